"""Mistakes students make in 06_autograd."""

from autograder.mistakes import Mistake

A = "06_autograd"

# The random-expression test of backward breaks with any wrong local rule it uses; its
# message names the first wrong node, by the operation that made it.
GRAPHS = "test_backward_graphs"

MISTAKES = [
    Mistake(
        "value_add_overwrites", A, "value",
        "            self.grad += out.grad\n            other.grad += out.grad",
        "            self.grad = out.grad\n            other.grad = out.grad",
        ("test_value_add", GRAPHS),
        "+ assigns its gradient to its inputs (=) instead of adding it (+=)",
        "a value used twice gets one contribution per use: p.grad += out.grad, never =",
        symptom=r"(a \+ \w+|'\+' node inside f): _backward overwrites"),
    Mistake(
        "value_mul_overwrites", A, "value",
        "            self.grad += other.data * out.grad\n"
        "            other.grad += self.data * out.grad",
        "            self.grad = other.data * out.grad\n"
        "            other.grad = self.data * out.grad",
        ("test_value_mul", GRAPHS),
        "* assigns its gradients (=) instead of adding them (+=)",
        "a value used twice gets one contribution per use: p.grad += ..., never =",
        symptom=r"(a \* b|'\*' node inside f): _backward overwrites"),
    Mistake(
        "value_mul_own_data", A, "value",
        "self.grad += other.data * out.grad", "self.grad += self.data * out.grad",
        ("test_value_mul", GRAPHS),
        "the gradient of a * b for a uses a's own value instead of b's",
        "d(a b)/da = b: each input receives the other input's value times out.grad",
        symptom=r"(a \* b|'\*' node inside f): _backward adds"),
    Mistake(
        "value_pow_exponent", A, "value",
        "exponent * self.data ** (exponent - 1) * out.grad",
        "exponent * self.data ** exponent * out.grad",
        ("test_value_pow", GRAPHS),
        "the power rule without the - 1: k a^k instead of k a^(k - 1)",
        "d(a^k)/da = k a^(k - 1)",
        symptom=r"(a \*\* [-\d.]+|'\*\*-?[\d.]+' node inside f): _backward adds"),
    Mistake(
        "exp_uses_input", A, "value_functions",
        "x.grad += out.data * out.grad", "x.grad += x.data * out.grad",
        ("test_exp_log", GRAPHS),
        "exp's local derivative taken as x instead of e^x",
        "e^x is its own derivative: x.grad += out.data * out.grad",
        symptom=r"(exp\(Value|'exp' node inside f)"),
    Mistake(
        "log_without_upstream", A, "value_functions",
        "x.grad += out.grad / x.data", "x.grad += 1.0 / x.data",
        ("test_exp_log", GRAPHS),
        "log passes its local derivative 1/x without multiplying it by out.grad",
        "the chain rule: local derivative times out.grad, x.grad += out.grad / x.data",
        symptom=r"(log\(Value|'log' node inside f)"),
    Mistake(
        "tanh_uses_input", A, "value_functions",
        "x.grad += (1.0 - out.data ** 2) * out.grad", "x.grad += (1.0 - x.data ** 2) * out.grad",
        ("test_activations", GRAPHS),
        "tanh's derivative written with the input, 1 - x^2, instead of the output, 1 - y^2",
        "tanh'(x) = 1 - tanh(x)^2 = 1 - out.data ** 2",
        symptom=r"(tanh\(Value|'tanh' node inside f)"),
    Mistake(
        "sigmoid_uses_input", A, "value_functions",
        "x.grad += out.data * (1.0 - out.data) * out.grad",
        "x.grad += x.data * (1.0 - x.data) * out.grad",
        ("test_activations", GRAPHS),
        "the sigmoid's derivative written with the input, x (1 - x), instead of the output",
        "sigmoid'(x) = y (1 - y) with y = sigmoid(x) = out.data",
        symptom=r"(sigmoid\(Value\([-\d.]+\)\): _backward|'sigmoid' node inside f)"),
    Mistake(
        "relu_passes_everything", A, "value_functions",
        "x.grad += (x.data > 0) * out.grad", "x.grad += out.grad",
        ("test_activations",),
        "relu passes the gradient on where its input was negative",
        "relu's derivative is 0 where x <= 0: x.grad += (x.data > 0) * out.grad",
        symptom=r"relu\(Value\(-"),
    Mistake(
        "sigmoid_overflows", A, "value_functions",
        "        y = math.exp(x.data) / (1.0 + math.exp(x.data))",
        "        y = 1.0 / (1.0 + math.exp(-x.data))",
        ("test_activations",),
        "the sigmoid computed as 1 / (1 + e^-x) for every x: math.exp overflows for x < -709",
        "for x < 0 compute e^x / (1 + e^x), which never overflows",
        symptom=r"math range error"),
    Mistake(
        "topological_preorder", A, "topological_order",
        "        for parent in node._parents:\n            place(parent)\n        order.append(node)",
        "        order.append(node)\n        for parent in node._parents:\n            place(parent)",
        ("test_topological_order", GRAPHS),
        "each node is listed before its parents (pre-order) instead of after them",
        "place a node's parents first, then append the node: reversed, the output comes first",
        symptom=r"root comes last|comes before one of its parents"),
    Mistake(
        "topological_repeats", A, "topological_order",
        "        if node in placed:\n            return\n", "",
        ("test_topological_order", GRAPHS),
        "a node reached along two paths is listed twice",
        "keep the placed nodes in a set and skip a node already placed: its _backward must "
        "run once",
        symptom=r"listed twice|two paths only once|lists a node more than once"),
    Mistake(
        "sum_to_shape_drops_axes", A, "sum_to_shape",
        "grad = grad.sum(axis=axis, keepdims=True)", "grad = grad.sum(axis=axis)",
        ("test_sum_to_shape",),
        "an axis of length 1 summed away instead of kept",
        "an operand of shape (1, M) needs a gradient of shape (1, M): sum with keepdims=True",
        symptom=r"\(1, 4\)\) has shape \(4,\)"),
    Mistake(
        "sum_to_shape_leading_only", A, "sum_to_shape",
        "    for axis, size in enumerate(shape):\n"
        "        if size == 1 and grad.shape[axis] != 1:\n"
        "            grad = grad.sum(axis=axis, keepdims=True)  # an axis of length 1, stretched\n",
        "",
        ("test_sum_to_shape",),
        "only the prepended axes are summed, not the stretched axes of length 1",
        "NumPy also stretches axes of length 1: sum over each of them with keepdims=True",
        symptom=r"\(1, 4\)\) has shape \(3, 4\)"),
    Mistake(
        "tensor_add_not_unbroadcast", A, "tensor",
        "            self.grad += sum_to_shape(out.grad, self.shape)\n"
        "            other.grad += sum_to_shape(out.grad, other.shape)",
        "            self.grad += out.grad\n            other.grad += out.grad",
        ("test_tensor_add_mul",),
        "the gradient of a broadcast operand of + is not summed over the broadcast axes",
        "a broadcast operand is used in many places: sum_to_shape(out.grad, operand.shape)",
        symptom=r"non-broadcastable|broadcast over the rows|\+ \("),
    Mistake(
        "tensor_matmul_no_transpose", A, "tensor",
        "self.grad += out.grad @ other.data.T", "self.grad += out.grad @ other.data",
        ("test_tensor_matmul",),
        "the gradient of x @ W for x multiplies by W instead of W.T",
        "dx = out.grad @ W.T: (N, M) @ (M, D) gives x's shape (N, D)",
        symptom=r"X @ W|\(\d+, \d+\) @ \(\d+, \d+\)|matmul"),
    Mistake(
        "tensor_mean_not_divided", A, "tensor",
        "self.grad += out.grad / self.data.size", "self.grad += out.grad",
        ("test_tensor_reductions",),
        "mean's gradient is that of sum: the 1 / n is missing",
        "the mean divides by the number of elements, and so does its gradient: "
        "out.grad / self.data.size",
        symptom=r"mean\(\)"),
    Mistake(
        "tensor_relu_overwrites", A, "tensor",
        "self.grad += (self.data > 0) * out.grad", "self.grad = (self.data > 0) * out.grad",
        ("test_tensor_activations",),
        "relu assigns its gradient (=) instead of adding it (+=)",
        "a tensor can feed several nodes: self.grad += ..., never =",
        symptom=r"relu\(\).*overwrites"),
    Mistake(
        "tensor_tanh_uses_input", A, "tensor",
        "self.grad += (1.0 - out.data ** 2) * out.grad", "self.grad += (1.0 - self.data ** 2) * out.grad",
        ("test_tensor_activations",),
        "tanh's derivative written with the input instead of the output",
        "tanh'(x) = 1 - out.data ** 2",
        symptom=r"tanh\(\)"),
    Mistake(
        "cross_entropy_not_shifted", A, "cross_entropy",
        "shifted = logits.data - logits.data.max(axis=1, keepdims=True)", "shifted = logits.data",
        ("test_cross_entropy_forward", "test_cross_entropy_backward"),
        "softmax cross-entropy without the shift by each row's maximum: exp(1000) overflows",
        "subtract each row's maximum from the logits before np.exp (log-sum-exp)",
        symptom=r"1000"),
    Mistake(
        "cross_entropy_grad_not_mean", A, "cross_entropy",
        "logits.grad += dlogits / N * out.grad", "logits.grad += dlogits * out.grad",
        ("test_cross_entropy_backward",),
        "the gradient of the mean loss is not divided by the batch size N",
        "the loss is a mean over N examples: its gradient is (softmax - onehot) / N",
        symptom=r"cross_entropy(\(logits, t\)| for logits [^:]*): the gradient input 0 receives"),
    Mistake(
        "cross_entropy_overwrites", A, "cross_entropy",
        "logits.grad += dlogits / N * out.grad", "logits.grad = dlogits / N * out.grad",
        ("test_cross_entropy_backward",),
        "the loss node assigns its gradient (=) instead of adding it (+=)",
        "logits may feed other nodes too: logits.grad += ..., never =",
        symptom=r"overwrites"),
    Mistake(
        "train_engine_no_zero_grad", A, "train_engine",
        "            loss.zero_grad()\n", "",
        ("test_train_engine",),
        "the gradients are never zeroed: every step adds its gradient to all earlier ones",
        "parameters outlive the step and backward adds (+=): zero their gradients before "
        "each backward, loss.zero_grad()",
        symptom=r"w after"),
    Mistake(
        "train_engine_drops_last_batch", A, "train_engine",
        "for start in range(0, len(X), batch_size):",
        "for start in range(0, len(X) - batch_size + 1, batch_size):",
        ("test_train_engine",),
        "the last, smaller batch of each epoch is skipped",
        "range(0, N, batch_size) ends with a batch of the N % batch_size examples left over: "
        "keep it",
        symptom=r"should be batches of|steps per epoch"),
    Mistake(
        "train_engine_no_shuffle", A, "train_engine",
        "order = rng.permutation(len(X))", "order = np.arange(len(X))",
        ("test_train_engine",),
        "the examples are taken in their stored order every epoch",
        "draw order = rng.permutation(N) every epoch, from one Generator",
        symptom=r"not those of rng.permutation"),
    Mistake(
        "train_engine_history_of_batch", A, "train_engine",
        "history.append(float(loss_fn(params, X, y).data))", "history.append(float(loss.data))",
        ("test_train_engine",),
        "the history records the loss of the last batch instead of all of (X, y)",
        "after each epoch evaluate loss_fn(params, X, y) on all the examples",
        symptom=r"history"),
]
