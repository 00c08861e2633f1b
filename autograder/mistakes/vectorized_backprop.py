"""Mistakes students make in 03_vectorized_backprop."""

from autograder.mistakes import Mistake

A = "03_vectorized_backprop"

MISTAKES = [
    Mistake(
        "linear_dx_no_transpose", A, "linear",
        'return dout @ self.params["W"].T', 'return dout @ self.params["W"]',
        ("test_linear_dx",),
        "dx computed as dout @ W instead of dout @ W.T",
        "dx = dout @ W.T: W is (D, M), dout is (N, M), and dx must be (N, D)",
        symptom=r"mismatch in its core dimension|dx.*has shape"),
    Mistake(
        "linear_dx_transpose_square_only", A, "linear",
        'return dout @ self.params["W"].T',
        'W = self.params["W"]\n'
        '        return dout @ (W if W.shape[0] == W.shape[1] else W.T)',
        ("test_linear_dx",),
        "a transpose that is only missing when W is square (shapes match, values do not)",
        "for a square W the shapes cannot tell W from W.T: dx = dout @ W.T always",
        symptom=r"Linear\((\d+), \1\)\.backward"),
    Mistake(
        "linear_db_not_summed", A, "linear",
        'self.grads["b"] = dout.sum(axis=0)', 'self.grads["b"] = dout',
        ("test_linear_db",),
        "bias gradient not summed over the batch",
        "b is shared by all N examples: db = dout.sum(axis=0), shape (M,)",
        symptom=r"extra leading \(batch\) axis"),
    Mistake(
        "linear_db_wrong_axis", A, "linear",
        'self.grads["b"] = dout.sum(axis=0)', 'self.grads["b"] = dout.sum(axis=1)',
        ("test_linear_db",),
        "bias gradient summed over the features instead of the batch",
        "sum over the batch axis (axis=0), not over the outputs",
        symptom=r"grads\['b'\].*shape \(\d+,\), expected"),
    Mistake(
        "linear_db_mean", A, "linear",
        'self.grads["b"] = dout.sum(axis=0)', 'self.grads["b"] = dout.mean(axis=0)',
        ("test_linear_db",),
        "bias gradient averaged instead of summed (an extra 1/N)",
        "the loss already took the mean: db is the sum of dout over the batch",
        symptom=r"it is 0\.\d+ times the right answer"),
    Mistake(
        "linear_dW_accumulates", A, "linear",
        'self.grads["W"] = self.x.T @ dout', 'self.grads["W"] += self.x.T @ dout',
        ("test_linear_dW",),
        "grads['W'] accumulated across backward calls",
        "backward overwrites grads: assign with =, do not add with +=",
        symptom=r"after a second backward"),
    Mistake(
        "linear_dW_swapped", A, "linear",
        'self.grads["W"] = self.x.T @ dout', 'self.grads["W"] = dout.T @ self.x',
        ("test_linear_dW",),
        "dW computed as dout.T @ x: the transpose of the right answer, (M, D) instead of (D, M)",
        "dW has the shape of W, (D, M): dW = x.T @ dout",
        symptom=r"swapped|transpose of the right answer"),
    Mistake(
        "linear_stale_cache", A, "linear",
        "self.x = x\n", 'if not hasattr(self, "x"):\n            self.x = x\n',
        ("test_linear_dW",),
        "forward caches the input only the first time it is called",
        "cache the input on every forward call: backward uses the latest one",
        symptom=r"forward\(x_first\), forward\(x\)"),
    Mistake(
        "linear_zero_init", A, "linear",
        "rng.normal(0.0, init_std, size=(n_in, n_out))", "np.zeros((n_in, n_out))",
        ("test_linear_init",),
        "weights initialized to zero",
        "draw W from a normal with standard deviation init_std: zeros make units identical",
        symptom=r"std 0\.000"),
    Mistake(
        "sigmoid_derivative_of_output", A, "sigmoid",
        "return dout * self.out * (1.0 - self.out)",
        "s = 1.0 / (1.0 + np.exp(-self.out))\n        return dout * s * (1.0 - s)",
        ("test_sigmoid_backward",),
        "sigmoid derivative evaluated at the output instead of the input",
        "sigma'(x) = y * (1 - y) with y = sigma(x): use the cached output directly",
        symptom=r"gradient check of Sigmoid(?s:.*)hint for dx: compare this line|"
                r"Sigmoid\(\)\.backward"),
    Mistake(
        "sigmoid_no_upstream", A, "sigmoid",
        "return dout * self.out * (1.0 - self.out)", "return self.out * (1.0 - self.out)",
        ("test_sigmoid_backward",),
        "Sigmoid backward returns its local derivative without multiplying by dout",
        "the chain rule: dx = dout * y * (1 - y), with y the cached output",
        symptom=r"does not scale with dout"),
    Mistake(
        "tanh_no_upstream", A, "tanh",
        "return dout * (1.0 - self.out ** 2)", "return 1.0 - self.out ** 2",
        ("test_tanh_backward",),
        "local derivative returned without multiplying by dout",
        "the chain rule: dx = dout * (1 - y ** 2)",
        symptom=r"does not scale with dout"),
    Mistake(
        "tanh_derivative_of_input", A, "tanh",
        "self.out = np.tanh(x)\n"
        "        return self.out\n"
        "\n"
        "    def backward(self, dout):\n"
        "        \"\"\"dout: (N, D) -> dx: (N, D).\"\"\"\n"
        "        return dout * (1.0 - self.out ** 2)",
        "self.x = x\n"
        "        self.out = np.tanh(x)\n"
        "        return self.out\n"
        "\n"
        "    def backward(self, dout):\n"
        "        \"\"\"dout: (N, D) -> dx: (N, D).\"\"\"\n"
        "        return dout * (1.0 - self.x ** 2)",
        ("test_tanh_backward",),
        "tanh's derivative written with the input x instead of the output: 1 - x ** 2",
        "tanh'(x) = 1 - tanh(x) ** 2 = 1 - y ** 2, with y the output cached by forward",
        symptom=r"gradient check of Tanh(?s:.*)hint for dx: compare this line"),
    Mistake(
        "relu_mask_from_dout", A, "relu",
        "return dout * self.mask", "return dout * (dout > 0)",
        ("test_relu_backward",),
        "ReLU backward masks with dout > 0 instead of x > 0",
        "the gate is open where the input x was positive, whatever the sign of dout",
        symptom=r"zero in the wrong places"),
    Mistake(
        "relu_in_place", A, "relu",
        "return np.maximum(x, 0.0)", "x[~self.mask] = 0.0\n        return x",
        ("test_relu_forward",),
        "ReLU forward zeroes the negative entries of its input in place",
        "never modify the input: return a new array, e.g. np.maximum(x, 0)",
        symptom=r"modified in place"),
    Mistake(
        "mse_backward_no_mean", A, "mse",
        "return 2.0 * self.diff / self.diff.size", "return 2.0 * self.diff",
        ("test_mse_backward",),
        "MSE gradient without the 1/(N K) of the mean",
        "the loss is a mean over all elements, so its gradient carries 1 / pred.size",
        symptom=r"times the right answer"),
    Mistake(
        "mse_hard_coded", A, "mse",
        "return float(np.mean(self.diff ** 2))", "return 7.25",
        ("test_mse_forward",),
        "returns the visible test's answer instead of computing it",
        "compute the mean of (pred - target) ** 2 for the arrays given",
        symptom=r"got 7\.25\b"),
    Mistake(
        "bce_naive", A, "bce",
        "losses = np.maximum(pred, 0) - pred * target + np.log1p(np.exp(-np.abs(pred)))",
        "probs = 1.0 / (1.0 + np.exp(-pred))\n"
        "        losses = -target * np.log(probs) - (1 - target) * np.log(1 - probs)",
        ("test_bce_forward",),
        "binary cross-entropy through sigmoid then log, which overflows for large logits",
        "use max(z, 0) - z * t + log1p(exp(-|z|)): finite for any logit",
        symptom=r"non-finite|scale 1000"),
    Mistake(
        "bce_backward_no_mean", A, "bce",
        "return (probs - self.target) / self.pred.size", "return probs - self.target",
        ("test_bce_backward",),
        "binary cross-entropy gradient without the 1/(N K) of the mean",
        "the loss is a mean over all N K elements, so dpred = (sigmoid(pred) - target) / pred.size",
        symptom=r"times the right answer"),
    Mistake(
        "ce_no_max_shift", A, "cross_entropy",
        "shifted = pred - pred.max(axis=1, keepdims=True)", "shifted = pred",
        ("test_ce_forward", "test_ce_backward"),
        "softmax without subtracting the row maximum",
        "exp overflows for logits above ~709: subtract each row's max first",
        symptom=r"scale 1000"),
    Mistake(
        "ce_backward_no_mean", A, "cross_entropy",
        "return dpred / N", "return dpred",
        ("test_ce_backward",),
        "cross-entropy gradient without the 1/N of the mean",
        "the loss is a mean over the batch, so dpred = (softmax - one_hot) / N",
        symptom=r"times the right answer"),
    Mistake(
        "two_layer_no_activation_derivative", A, "two_layer",
        "delta1 = (delta2 @ W2.T) * z1 * (1.0 - z1)", "delta1 = delta2 @ W2.T",
        ("test_two_layer_grads",),
        "hidden delta without the derivative of the hidden activation",
        "delta1 = (delta2 @ W2.T) * h'(a1), with h'(a1) = z1 * (1 - z1) for a sigmoid",
        symptom=r"grads\['W1'\] is wrong.* got 0\.00413703,"),
    Mistake(
        "two_layer_W2_not_transposed", A, "two_layer",
        "delta1 = (delta2 @ W2.T) * z1 * (1.0 - z1)", "delta1 = (delta2 @ W2) * z1 * (1.0 - z1)",
        ("test_two_layer_loss", "test_two_layer_grads"),
        "the error sent back to the hidden layer uses W2 instead of W2.T",
        "delta1 = (delta2 @ W2.T) * z1 * (1 - z1): W2 is (H, K) and delta2 is (N, K), so the "
        "product with W2.T is (N, H)",
        symptom=r"grads\['W1'\] is wrong.* got 0\.00116205,|mismatch in its core dimension"),
    Mistake(
        "sequential_backward_in_order", A, "sequential",
        "for layer in reversed(self.layers):", "for layer in self.layers:",
        ("test_sequential_backward",),
        "backward walks the layers first to last",
        "gradients flow from the output back: walk the layers in reverse order",
        symptom=r"dx = Sequential\.backward|last layer first"),
    Mistake(
        "sequential_backward_no_return", A, "sequential",
        "            dout = layer.backward(dout)\n        return dout",
        "            dout = layer.backward(dout)",
        ("test_sequential_backward",),
        "Sequential.backward runs the layers but does not return dx",
        "return the gradient of the first layer's input: the last dout of the loop",
        symptom=r"Sequential\.backward\(dout\) is None"),
    Mistake(
        "sgd_wrong_sign", A, "sgd",
        "p -= self.lr * layer.grads[name]", "p += self.lr * layer.grads[name]",
        ("test_sgd",),
        "gradient ascent: parameters move up the gradient",
        "step against the gradient: p -= lr * grad",
        symptom=r"wrong sign"),
    Mistake(
        "sgd_no_update", A, "sgd",
        "p -= self.lr * layer.grads[name]", "p = p - self.lr * layer.grads[name]",
        ("test_sgd",),
        "the update is assigned to a local name, so no parameter changes",
        "p = p - lr * grad only rebinds the loop variable: update the array with p -= lr * grad",
        symptom=r"all zeros"),
    Mistake(
        "sgd_replaces_arrays", A, "sgd",
        "p -= self.lr * layer.grads[name]",
        "layer.params[name] = p - self.lr * layer.grads[name]",
        ("test_sgd",),
        "SGD builds new parameter arrays instead of updating them in place",
        "update in place (p -= lr * grad) so every reference to the array sees the step",
        symptom=r"in place"),
    Mistake(
        "momentum_velocity_not_kept", A, "momentum",
        "                velocity[name] = self.beta * velocity[name] + layer.grads[name]\n"
        "                p -= self.lr * velocity[name]",
        "                v = self.beta * velocity[name] + layer.grads[name]\n"
        "                p -= self.lr * v",
        ("test_momentum",),
        "the new velocity goes to a local name, so every step starts again from v = 0",
        "store the new velocity back in self.velocity: the next step adds to it",
        symptom=r"keep the velocity|velocity is not kept"),
    Mistake(
        "momentum_dampened", A, "momentum",
        "velocity[name] = self.beta * velocity[name] + layer.grads[name]",
        "velocity[name] = self.beta * velocity[name] + (1 - self.beta) * layer.grads[name]",
        ("test_momentum",),
        "the gradient is scaled by (1 - beta), as in Adam's running average",
        "this momentum adds the gradient itself, v = beta * v + g; with (1 - beta) the steps "
        "are ten times smaller for beta = 0.9",
        symptom=r"W after one step[\s\S]*0\.1 times|scaled by \(1 - beta\)"),
    Mistake(
        "adam_no_bias_correction", A, "adam",
        "                m_hat = m[name] / (1 - self.beta1 ** self.t)\n"
        "                s_hat = s[name] / (1 - self.beta2 ** self.t)\n",
        "                m_hat, s_hat = m[name], s[name]\n",
        ("test_adam",),
        "Adam without the bias correction of its running averages",
        "m and s start at 0 and are too small by the factor (1 - beta ** t) early on: divide "
        "it out",
        symptom=r"bias correction"),
    Mistake(
        "adam_eps_inside_sqrt", A, "adam",
        "np.sqrt(s_hat) + self.eps", "np.sqrt(s_hat + self.eps)",
        ("test_adam",),
        "eps added under the square root",
        "sqrt(s_hat + eps) is at least 1e-4, which shrinks the steps of parameters with small "
        "gradients: add eps after the square root",
        symptom=r"outside the square root"),
    Mistake(
        "weight_decay_biases_too", A, "weight_decay",
        "        if \"W\" in layer.params:\n"
        "            W = layer.params[\"W\"]\n"
        "            layer.grads[\"W\"] += lam * W\n",
        "        for name, W in layer.params.items():\n"
        "            layer.grads[name] += lam * W\n",
        ("test_weight_decay",),
        "every parameter is decayed, the biases too",
        "decay only the weights W: a bias does not make the function steeper",
        symptom=r"only the weights W are decayed"),
    Mistake(
        "weight_decay_replaces_gradient", A, "weight_decay",
        "layer.grads[\"W\"] += lam * W", "layer.grads[\"W\"] = lam * W",
        ("test_weight_decay",),
        "the penalty's gradient replaces the loss's gradient instead of adding to it",
        "the total gradient is the loss's plus the penalty's: grads['W'] += lam * W",
        symptom=r"add lam \* W to the gradient|do not replace it"),
    Mistake(
        "weight_decay_no_half", A, "weight_decay",
        "penalty += lam / 2 * np.sum(W * W)", "penalty += lam * np.sum(W * W)",
        ("test_weight_decay",),
        "the penalty is lam * sum(W ** 2), whose gradient would be 2 lam W",
        "the gradient lam * W belongs to the penalty lam / 2 * sum(W ** 2)",
        symptom=r"belongs to the penalty with the 1/2"),
]

#: The mistakes the demo class is made of: one per kind of exercise.
DEMO = ("linear_dx_no_transpose", "linear_db_not_summed", "relu_mask_from_dout",
        "ce_no_max_shift", "sequential_backward_in_order")
