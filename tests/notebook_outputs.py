"""Shared by the end-to-end notebook tests: an executed notebook's outputs as one text."""


def outputs_text(nb) -> str:
    """Every output's HTML (or plain text), joined; fails on any error output."""
    out = []
    for c in nb.cells:
        for o in c.get("outputs", []):
            assert o.get("output_type") != "error", o.get("evalue")
            out.append(o.get("data", {}).get("text/html", "") or o.get("text", ""))
    return "\n".join(out)
