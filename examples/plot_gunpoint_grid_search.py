"""
Time-series classification: a grid search in a Pipeline
=======================================================

GunPoint (UCR archive): the hand's x-coordinate over 150 frames, gun drawn
from a holster or a finger pointed. A :class:`~skseq.preprocessing.SequenceScaler`
and an :class:`~skseq.RNNClassifier` form a Pipeline; ``GridSearchCV`` picks
the cell and the pooling by cross-validation.
"""

# %%
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from skseq import RNNClassifier
from skseq.datasets import load_gunpoint
from skseq.preprocessing import SequenceScaler

X_train, y_train = load_gunpoint(split="train")
X_test, y_test = load_gunpoint(split="test")

pipe = make_pipeline(
    SequenceScaler(),
    RNNClassifier(standardize=False, max_epochs=60, random_state=0),
)
grid = GridSearchCV(
    pipe,
    {"rnnclassifier__cell": ["gru", "lstm"], "rnnclassifier__pooling": ["max", "last"]},
    cv=3,
    n_jobs=2,
)
grid.fit(X_train, y_train)
print("best:", grid.best_params_, f"cv accuracy {grid.best_score_:.3f}")
print(f"test accuracy: {grid.score(X_test, y_test):.3f}")

# %%
ConfusionMatrixDisplay.from_estimator(grid, X_test, y_test)
