"""Mistakes students make in 02_single_neuron."""

from autograder.mistakes import Mistake

A = "02_single_neuron"

MISTAKES = [
    Mistake(
        "multiply_gate_same_input", A, "multiply_gate",
        "return dout * self.b, dout * self.a", "return dout * self.a, dout * self.b",
        ("test_multiply_backward",),
        "each input of the multiply gate gets dout times itself instead of times the other input",
        "d(a * b)/da = b: da = dout * b and db = dout * a (the gate swaps its inputs)",
        symptom=r"got -2, expected 3"),
    Mistake(
        "multiply_gate_stale_cache", A, "multiply_gate",
        "self.a, self.b = a, b\n",
        'if not hasattr(self, "a"):\n            self.a, self.b = a, b\n',
        ("test_multiply_backward",),
        "forward caches the inputs only the first time it is called",
        "cache a and b on every forward call: backward uses the most recent one",
        symptom=r"da for inputs of shape"),
    Mistake(
        "add_gate_local_derivative_only", A, "add_gate",
        "return dout, dout", "return np.ones_like(dout), np.ones_like(dout)",
        ("test_add_backward",),
        "the add gate returns its local derivative 1 instead of multiplying it by dout",
        "the chain rule: da = dout * 1 = dout, and the same for db",
        symptom=r"got 1, expected 0\.5"),
    Mistake(
        "add_gate_splits_gradient", A, "add_gate",
        "return dout, dout", "return dout / 2, dout / 2",
        ("test_add_backward",),
        "the add gate splits dout between its inputs, half to each",
        "an add gate distributes dout unchanged: d(a + b)/da = d(a + b)/db = 1, so da = db = dout "
        "(the whole of it, to each input)",
        symptom=r"got 0\.25, expected 0\.5"),
    Mistake(
        "sigmoid_gate_derivative_at_output", A, "sigmoid_gate",
        "return dout * self.out * (1.0 - self.out)",
        "s = 1.0 / (1.0 + np.exp(-self.out))\n        return dout * s * (1.0 - s)",
        ("test_sigmoid_gate_backward",),
        "sigmoid derivative evaluated at the cached output instead of the input",
        "sigma'(x) = out * (1 - out) with out = sigma(x): use the cached output as it is",
        symptom=r"got 0\.235"),
    Mistake(
        "sigmoid_gate_derivative_of_input", A, "sigmoid_gate",
        "self.out = 1.0 / (1.0 + np.exp(-x))\n"
        "        return self.out\n"
        "\n"
        "    def backward(self, dout):\n"
        "        \"\"\"dout: df/dout -> dx = dout * out * (1 - out), shaped like x.\"\"\"\n"
        "        return dout * self.out * (1.0 - self.out)",
        "self.x = x\n"
        "        self.out = 1.0 / (1.0 + np.exp(-x))\n"
        "        return self.out\n"
        "\n"
        "    def backward(self, dout):\n"
        "        \"\"\"dout: df/dout -> dx = dout * out * (1 - out), shaped like x.\"\"\"\n"
        "        return dout * self.x * (1.0 - self.x)",
        ("test_sigmoid_gate_backward",),
        "the sigmoid's derivative written with the cached input x instead of the output",
        "sigma'(x) = sigma(x) * (1 - sigma(x)) = out * (1 - out), not x * (1 - x)",
        symptom=r"dx after forward\(0\.0\) is wrong.*got 0, expected 0\.25"),
    Mistake(
        "sigmoid_wrong_sign", A, "sigmoid",
        "return 1.0 / (1.0 + np.exp(-v))", "return 1.0 / (1.0 + np.exp(v))",
        ("test_sigmoid",),
        "sigmoid with exp(v) instead of exp(-v), which computes sigma(-v)",
        "sigma(v) = 1 / (1 + exp(-v)): it rises from 0 to 1 as v grows",
        symptom=r"sigmoid\(v\) is wrong"),
    Mistake(
        "sigmoid_precedence", A, "sigmoid",
        "return 1.0 / (1.0 + np.exp(-v))", "return 1.0 / 1.0 + np.exp(-v)",
        ("test_sigmoid",),
        "the denominator without parentheses: 1 / 1 + exp(-v), which is 1 + exp(-v)",
        "division binds tighter than addition: write 1 / (1 + np.exp(-v))",
        symptom=r"sigmoid\(0\.0\) is wrong.*got 2, expected 0\.5"),
    Mistake(
        "neuron_forward_no_bias", A, "neuron_forward",
        "return sigmoid(X @ w + b)", "return sigmoid(X @ w)",
        ("test_neuron_forward",),
        "the bias is left out of the pre-activation",
        "a = X @ w + b: the bias is added to every example's pre-activation",
        symptom=r"for 4 examples"),
    Mistake(
        "neuron_forward_no_sigmoid", A, "neuron_forward",
        "return sigmoid(X @ w + b)", "return X @ w + b",
        ("test_neuron_forward",),
        "the neuron returns its pre-activation, without the sigmoid",
        "y = sigmoid(a): the output of a sigmoid neuron lies between 0 and 1",
        symptom=r"got 0\.09, expected"),
    Mistake(
        "squared_error_mean", A, "squared_error",
        "return 0.5 * float(np.sum((y - t) ** 2))",
        "return 0.5 * float(np.mean((y - t) ** 2))",
        ("test_squared_error",),
        "the loss averages over the batch instead of summing",
        "this notebook's loss is 1/2 * a SUM over the examples; a mean is N times smaller",
        symptom=r"got 0\.05, expected 0\.15"),
    Mistake(
        "squared_error_no_half", A, "squared_error",
        "return 0.5 * float(np.sum((y - t) ** 2))", "return float(np.sum((y - t) ** 2))",
        ("test_squared_error",),
        "the loss without its factor 1/2",
        "L = 1/2 * sum((y - t) ** 2): the 1/2 cancels the 2 of the derivative",
        symptom=r"got 0\.3, expected 0\.15"),
    Mistake(
        "gradients_wrong_sign", A, "neuron_gradients",
        "delta = (y - t) * y * (1.0 - y)",
        "delta = (t - y) * y * (1.0 - y)",
        ("test_neuron_dw", "test_neuron_db"),
        "the error signal uses t - y, the gradient of -L",
        "dL/dy = y - t: with the other sign, gradient descent climbs the loss",
        symptom=r"wrong sign"),
    Mistake(
        "gradients_no_sigmoid_derivative", A, "neuron_gradients",
        "delta = (y - t) * y * (1.0 - y)", "delta = y - t",
        ("test_neuron_dw", "test_neuron_db"),
        "the error signal without the derivative of the sigmoid",
        "delta = dL/da = (y - t) * sigma'(a), and sigma'(a) = y * (1 - y)",
        symptom=r"got 0\.104497|got 0\.522485"),
    Mistake(
        "gradients_derivative_of_input", A, "neuron_gradients",
        "delta = (y - t) * y * (1.0 - y)",
        "a = X @ w + b\n    delta = (y - t) * a * (1.0 - a)",
        ("test_neuron_dw", "test_neuron_db"),
        "the sigmoid's derivative written with the pre-activation a instead of the output",
        "sigma'(a) = sigma(a) * (1 - sigma(a)) = y * (1 - y), not a * (1 - a)",
        symptom=r"got 0\.00855|got 0\.04279"),
    Mistake(
        "gradients_no_bias", A, "neuron_gradients",
        "db = float(np.sum(delta))", "db = 0.0",
        ("test_neuron_db",),
        "the bias gradient is forgotten (left at zero)",
        "dL/db = sum of delta over the examples: the bias gets the gradient of a",
        symptom=r"db .*got 0, expected"),
    Mistake(
        "gradients_wrong_axis", A, "neuron_gradients",
        "dw = X.T @ delta", "dw = (delta[:, None] * X).sum(axis=1)",
        ("test_neuron_dw",),
        "dw summed over the features instead of over the examples",
        "dw[i] = sum over n of delta[n] * X[n, i]: sum over the batch (axis 0), i.e. X.T @ delta",
        symptom=r"dw .*has shape \(1,\)"),
    Mistake(
        "gradients_mean", A, "neuron_gradients",
        "return dw, db", "return dw / len(X), db / len(X)",
        ("test_neuron_dw", "test_neuron_db"),
        "gradients averaged over the batch although the loss is a sum",
        "L = 1/2 * sum: its gradient is a sum over the examples, with no 1/N",
        symptom=r"0\.25 times|got 0\.03547"),
    Mistake(
        "gradients_hard_coded", A, "neuron_gradients",
        "return dw, db",
        "return np.array([-0.013035705493179764, 0.02607141098635953]), 0.13035705493179764",
        ("test_neuron_dw", "test_neuron_db"),
        "returns the worked example's gradients whatever the input",
        "compute delta from X, t, w and b; the worked example is one case of many",
        symptom=r"got 0\.026071\d*, expected -0\.0659|got 0\.130357, expected 0\.1419"),
    Mistake(
        "gd_no_update", A, "gradient_descent",
        "w, b = w - lr * dw, b - lr * db", "w_new, b_new = w - lr * dw, b - lr * db",
        ("test_gd_params", "test_gd_losses"),
        "the new parameters are computed but never used",
        "assign the step to w and b themselves, so the next step starts from them",
        symptom=r"got 0\.7, |0\.5511 0\.5511"),
    Mistake(
        "gd_ascent", A, "gradient_descent",
        "w, b = w - lr * dw, b - lr * db", "w, b = w + lr * dw, b + lr * db",
        ("test_gd_params", "test_gd_losses"),
        "steps along the gradient instead of against it",
        "descent subtracts: w = w - lr * dw; adding climbs the loss",
        symptom=r"got 0\.726|0\.5511 0\.7072"),
    Mistake(
        "gd_in_place", A, "gradient_descent",
        "w, b = np.array(w, dtype=float), float(b)  # copies: the caller's arrays stay as they were\n"
        "    losses = []\n"
        "    for _ in range(steps):\n"
        "        losses.append(squared_error(neuron_forward(X, w, b), t))\n"
        "        dw, db = neuron_gradients(X, t, w, b)\n"
        "        w, b = w - lr * dw, b - lr * db",
        "losses = []\n"
        "    for _ in range(steps):\n"
        "        losses.append(squared_error(neuron_forward(X, w, b), t))\n"
        "        dw, db = neuron_gradients(X, t, w, b)\n"
        "        w -= lr * dw\n"
        "        b -= lr * db",
        ("test_gd_params",),
        "updates the caller's weight array in place with -=",
        "w -= lr * dw changes the array that was passed in: write w = w - lr * dw, or copy first",
        symptom=r"modified in place"),
    Mistake(
        "gd_loss_after_update", A, "gradient_descent",
        "        losses.append(squared_error(neuron_forward(X, w, b), t))\n"
        "        dw, db = neuron_gradients(X, t, w, b)\n"
        "        w, b = w - lr * dw, b - lr * db",
        "        dw, db = neuron_gradients(X, t, w, b)\n"
        "        w, b = w - lr * dw, b - lr * db\n"
        "        losses.append(squared_error(neuron_forward(X, w, b), t))",
        ("test_gd_losses",),
        "records the loss after each update instead of before it",
        "losses[k] is the loss just before update k + 1: losses[0] is the starting loss",
        symptom=r"losses of one step"),
    Mistake(
        "fd_one_sided", A, "finite_differences",
        "        x[index] = original - h\n        minus = f(x)\n        x[index] = original\n"
        "        grad[index] = (plus - minus) / (2 * h)",
        "        x[index] = original\n        minus = f(x)\n        grad[index] = (plus - minus) / h",
        ("test_finite_difference_gradient",),
        "a one-sided difference (f(x + h) - f(x)) / h: its error is of order h",
        "use the centered difference (f(x + h) - f(x - h)) / (2 h), whose error is of order h^2",
        symptom=r"(?s)^(?!.*2 times the right answer).*a one-sided one is not"),
    Mistake(
        "fd_not_restored", A, "finite_differences",
        "        grad[index] = (plus - minus) / (2 * h)\n",
        "        grad[index] = (plus - minus) / (2 * h)\n        x[index] = original - h\n",
        ("test_finite_difference_gradient",),
        "each perturbed entry is left at x - h instead of being put back",
        "restore each entry, x[index] = original, before perturbing the next one",
        symptom=r"chang|modif"),
    Mistake(
        "fd_half_step", A, "finite_differences",
        "grad[index] = (plus - minus) / (2 * h)", "grad[index] = (plus - minus) / h",
        ("test_finite_difference_gradient",),
        "the centered difference divided by h instead of 2 h",
        "x + h and x - h are 2 h apart: divide by 2 h",
        symptom=r"is 2 times the right answer"),
    Mistake(
        "relative_error_no_floor", A, "finite_differences",
        "np.maximum(np.abs(a) + np.abs(b), 1e-8)", "(np.abs(a) + np.abs(b))",
        ("test_relative_error",),
        "no floor under the denominator: 0 / 0 where both entries are 0",
        "divide by np.maximum(|a| + |b|, 1e-8), so two zeros agree exactly",
        symptom=r"0 / 0"),
    Mistake(
        "relative_error_mean", A, "finite_differences",
        "float(np.max(", "float(np.mean(",
        ("test_relative_error",),
        "the mean of the elementwise errors instead of the largest",
        "one wrong entry must show: take the maximum over the entries",
        symptom=r"not the mean"),
    Mistake(
        "relative_error_one_sided", A, "finite_differences",
        "np.maximum(np.abs(a) + np.abs(b), 1e-8)", "np.maximum(np.abs(a), 1e-8)",
        ("test_relative_error",),
        "the difference divided by |a| alone",
        "divide by |a| + |b|: the relative error is symmetric in a and b",
        symptom=r"relative_error\(1\.0, 1\.0001\)"),
    Mistake(
        "chain_missing_theta2", A, "chain_rule",
        "delta1 = delta2 * theta2 * z * (1.0 - z)", "delta1 = delta2 * z * (1.0 - z)",
        ("test_chain_dtheta1",),
        "the path to theta1 skips the factor da2/dz = theta2",
        "one factor per edge: a2 = theta2 * z, so dL/dz = delta2 * theta2",
        symptom=r"got -0\.0388"),
    Mistake(
        "chain_wrong_layer_derivative", A, "chain_rule",
        "delta1 = delta2 * theta2 * z * (1.0 - z)",
        "delta1 = delta2 * theta2 * y * (1.0 - y)",
        ("test_chain_dtheta1",),
        "the hidden unit's sigmoid derivative is taken at the output unit",
        "dz/da1 = z * (1 - z), the derivative of the hidden unit's own sigmoid",
        symptom=r"got 0\.0310"),
    Mistake(
        "chain_not_summed", A, "chain_rule",
        "return float(np.sum(delta1 * x)), float(np.sum(delta2 * z))",
        "return delta1 * x, delta2 * z",
        ("test_chain_dtheta2", "test_chain_dtheta1"),
        "returns one gradient per example instead of their sum",
        "L sums over the examples, so each gradient is the sum of the per-example ones",
        symptom=r"extra leading \(batch\) axis"),
]
