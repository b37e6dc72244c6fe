"""``hub train``: a labelled file becomes a calibrated, pickle-free specialist that predicts, serves and ships.

The path: read the labelled records (:mod:`.data`), featurise them with a plugin's featuriser, split
them the way the field needs (a plugin's splitter: scaffolds for molecules), choose a head by
cross-validation (:mod:`.heads`), calibrate intervals, probabilities and the applicability domain on
the held-out folds (:mod:`.calibration`), and write an artifact folder that loads without unpickling
(:mod:`.artifact`). Trained models register through the ``user`` entry point (:mod:`.plugin`).

Nothing here is imported by ``hub list``: the plugin reads manifests only.
"""
