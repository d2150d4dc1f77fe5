"""The live explorer of ``followup app``: a web page (Panel) where a trainer picks strategies,
moves sliders over the market and sees the ranking and charts follow (``knobs``: the sliders
and the cached runs, no web framework; ``page``: the page and the server)."""
