"""
The basic RNN cell, by hand
===========================

An Elman RNN updates its state ``h`` (a row vector) from the input ``x_t``:
``h_t = tanh(h_{t-1} W + x_t u + b)``, and outputs ``o_t = h_t v + c``. We
compute two steps with numpy, then give the same weights to skseq's network
(``cell="rnn"``) and check that it computes the same states and outputs.
"""

# %%
import numpy as np
import torch

from skseq.modules import RNNModule

W = np.array([[0.1, 0.2], [0.3, 0.4]])
u = np.array([0.5, 0.6])
b = np.array([0.1, -0.1])
v = np.array([1.0, 2.0])
c = 0.1
inputs = [1.0, 2.0]

h = np.zeros(2)
states, outputs = [], []
for x in inputs:
    h = np.tanh(h @ W + x * u + b)
    states.append(h)
    outputs.append(h @ v + c)
print("states by hand: ", np.round(states, 6).tolist())
print("outputs by hand:", np.round(outputs, 6).tolist())

# %%
# torch computes ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)``:
# ``W_ih`` is ``u`` as a column, ``W_hh`` is ``W`` transposed.
module = RNNModule(
    input_size=1, output_size=1, cell="rnn", hidden_size=2, pooling="last"
)
with torch.no_grad():
    module.rnn.weight_ih_l0.copy_(torch.tensor(u).reshape(2, 1))
    module.rnn.weight_hh_l0.copy_(torch.tensor(W).T)
    module.rnn.bias_ih_l0.copy_(torch.tensor(b))
    module.rnn.bias_hh_l0.zero_()
    module.head.weight.copy_(torch.tensor(v).reshape(1, 2))
    module.head.bias.fill_(c)
    X = torch.tensor([[[1.0], [2.0]]])
    torch_states = module.encode(X, torch.tensor([2]))[0]
    torch_outputs = module.head(torch_states)[:, 0]
print("states by torch: ", np.round(torch_states.numpy(), 6).tolist())
print("outputs by torch:", np.round(torch_outputs.numpy(), 6).tolist())
np.testing.assert_allclose(torch_states.numpy(), states, atol=1e-6)
np.testing.assert_allclose(torch_outputs.numpy(), outputs, atol=1e-6)
