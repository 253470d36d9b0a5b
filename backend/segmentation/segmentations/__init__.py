"""Named segmentations: presets, creation and checks, reading any segmentation's features
(from the service's tables or the bank's own table, view or SELECT), and their commands."""
