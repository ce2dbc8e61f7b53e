"""``open_notebook``: one call that a notebook's setup cell makes."""
import gc

from smm_nb.notebook import YOUNG_COLLECTION_THRESHOLD, open_notebook


def test_a_batch_run_moves_what_setup_loaded_out_of_the_collectors_reach(demo_data_dir,
                                                                          tmp_path):
    before = gc.get_threshold()
    gc.unfreeze()
    try:
        s = open_notebook("kahve-kosesi", "01_audit", demo_data_dir,
                          findings_path=tmp_path / "findings.jsonl")  # as smm-nb run does
        assert s.ws.config.language == "tr"
        assert gc.get_freeze_count() > 0  # the libraries and the client's data
        assert gc.get_threshold()[0] == max(before[0], YOUNG_COLLECTION_THRESHOLD)
        assert gc.get_threshold()[1:] == before[1:]
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_interactive_use_keeps_pythons_collector_as_it_is(demo_data_dir):
    before = gc.get_threshold()
    gc.unfreeze()
    open_notebook("kahve-kosesi", "01_audit", demo_data_dir)  # JupyterLab: no findings path
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before


def test_collection_switched_off_stays_off(demo_data_dir, tmp_path):
    before = gc.get_threshold()
    gc.set_threshold(0)
    try:
        open_notebook("kahve-kosesi", "01_audit", demo_data_dir,
                      findings_path=tmp_path / "findings.jsonl")
        assert gc.get_threshold()[0] == 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
