"""
A character-level language model
================================

Train on two short public-domain texts (the Gettysburg Address and the start
of the Declaration of Independence): each window of 20 characters predicts the
next character. Then sample new text one character at a time, sliding the
window over what the model generated.
"""

# %%
import numpy as np
from sklearn.pipeline import make_pipeline

from skseq import RNNClassifier
from skseq.datasets import load_text
from skseq.preprocessing import SequenceOrdinalEncoder

text = " ".join(load_text(name) for name in ["gettysburg", "declaration"])
text = " ".join(text.split())  # one line, single spaces
window = 20
X = [text[i : i + window] for i in range(len(text) - window)]
y = np.array([text[i + window] for i in range(len(text) - window)])
print(f"{len(text)} characters, {len(set(text))} distinct, {len(X)} windows")

# %%
# Characters become ids; an embedding and a GRU learn the next character.
model = make_pipeline(
    SequenceOrdinalEncoder(split="char"),
    RNNClassifier(
        embedding_dim=16,
        hidden_size=128,
        pooling="last",
        max_epochs=40,
        lr=0.005,
        batch_size=64,
        random_state=0,
    ),
).fit(X, y)
print(f"training accuracy: {model.score(X, y):.3f}")

# %%
# Sampling: draw each next character from the predicted probabilities,
# sharpened by a temperature below 1, and slide the window forward.
rng = np.random.default_rng(0)
classes = model.classes_


def sample(seed, length=300, temperature=0.7):
    generated = seed
    for _ in range(length):
        proba = model.predict_proba([generated[-window:]])[0]
        logits = np.log(proba + 1e-12) / temperature
        proba = np.exp(logits - logits.max())
        generated += rng.choice(classes, p=proba / proba.sum())
    return generated


print(sample("We hold that the peo"))
