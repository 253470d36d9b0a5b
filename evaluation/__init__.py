"""``make evaluate``: the segmentation trainer on generated populations and real data."""
