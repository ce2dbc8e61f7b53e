"""Summary cards hold a sentence: a plan shows its first item, long text is cut cleanly."""
from smm_nb.report.summary import card_text


def test_plan_shows_first_item_only():
    assert card_text("1. Post reels on Thursdays. 2. Move 10% of budget.") == \
        "1. Post reels on Thursdays. …"


def test_long_text_cut_at_a_sentence_boundary():
    text = "Instagram reach rose by a third after launch. " * 8
    out = card_text(text, limit=120)
    assert len(out) <= 122 and out.endswith(". …")


def test_short_text_unchanged():
    assert card_text("ROAS 5.34 (95% CI 5.06-5.63).") == "ROAS 5.34 (95% CI 5.06-5.63)."
