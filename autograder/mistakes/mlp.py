"""Mistakes students make in 04_mlp."""

from autograder.mistakes import Mistake

A = "04_mlp"

MISTAKES = [
    Mistake(
        "mlp_activation_after_last", A, "build_mlp",
        "return Sequential(*layers[:-1])", "return Sequential(*layers)",
        ("test_build_mlp_layers",),
        "build_mlp puts an activation after the last Linear layer",
        "the network returns logits: no activation after the last layer, the loss applies "
        "sigmoid or softmax itself",
        symptom=r"got (\w+, )*(ReLU|Sigmoid|Tanh)( \(an|$)"),
    Mistake(
        "mlp_sizes_swapped", A, "build_mlp",
        "zip(sizes[:-1], sizes[1:])", "zip(sizes[1:], sizes[:-1])",
        ("test_build_mlp_layers",),
        "consecutive sizes paired the wrong way round: Linear(sizes[1], sizes[0]), ...",
        "layer l maps sizes[l] inputs to sizes[l + 1] outputs: zip(sizes[:-1], sizes[1:])",
        symptom=r"params\['W'\].* has shape \((\d+), (\d+)\), expected \(\2, \1\)"),
    Mistake(
        "mlp_shared_activation", A, "build_mlp",
        "    layers = []\n"
        "    for n_in, n_out in zip(sizes[:-1], sizes[1:]):\n"
        "        layers.append(Linear(n_in, n_out, init_std=init_std, rng=rng))\n"
        "        layers.append(activations[activation]())\n",
        "    layers, shared = [], activations[activation]()\n"
        "    for n_in, n_out in zip(sizes[:-1], sizes[1:]):\n"
        "        layers.append(Linear(n_in, n_out, init_std=init_std, rng=rng))\n"
        "        layers.append(shared)\n",
        ("test_build_mlp_layers",),
        "one activation object reused at every position",
        "each position needs its own activation object: it caches its forward for backward",
        symptom=r"uses one layer object at several places"),
    Mistake(
        "mlp_seed_per_layer", A, "build_mlp",
        "    rng = np.random.default_rng(rng)\n", "",
        ("test_build_mlp_init",),
        "the integer seed is passed to every Linear instead of one Generator",
        "make one Generator with np.random.default_rng(rng) and pass it along: the seed itself "
        "gives layers of the same shape the same weights",
        symptom=r"start with the same weights"),
    Mistake(
        "mlp_init_std_dropped", A, "build_mlp",
        "Linear(n_in, n_out, init_std=init_std, rng=rng)", "Linear(n_in, n_out, rng=rng)",
        ("test_build_mlp_init",),
        "init_std is not passed on to the Linear layers",
        "pass init_std on to every Linear",
        symptom=r"with init_std=0\.01, .* should have standard deviation"),
    Mistake(
        "predict_argmax_axis0", A, "predict",
        "return logits.argmax(axis=1)", "return logits.argmax(axis=0)",
        ("test_predict",),
        "argmax over the examples instead of the classes",
        "the label of a row is the argmax over its K logits: axis=1",
        symptom=r"for \d+ classes is wrong|output\(s\) is wrong.*axis=1"),
    Mistake(
        "predict_binary_column", A, "predict",
        "(logits[:, 0] > 0).astype(np.int64)", "(logits > 0).astype(np.int64)",
        ("test_predict",),
        "one-output labels returned as an (N, 1) column",
        "return (N,) labels: take the single column, logits[:, 0]",
        symptom=r"for one output has shape \(\d+, 1\)"),
    Mistake(
        "predict_logit_threshold_half", A, "predict",
        "(logits[:, 0] > 0)", "(logits[:, 0] > 0.5)",
        ("test_predict",),
        "a logit compared with 0.5 as if it were a probability",
        "sigmoid(a) > 0.5 exactly when the logit a > 0",
        symptom=r"for one output is wrong|logit is > 0"),
    Mistake(
        "accuracy_broadcast", A, "accuracy",
        "    y = np.asarray(y)\n"
        "    labels = y.argmax(axis=1) if y.ndim == 2 and y.shape[1] > 1 else y.reshape(-1)\n"
        "    return float(np.mean(predict(model, X) == labels))",
        "    return float(np.mean(predict(model, X) == y))",
        ("test_accuracy",),
        "labels compared with targets as given: (N,) against (N, 1) broadcasts to (N, N)",
        "turn y into (N,) labels first (reshape (N, 1), argmax one-hot rows), then compare",
        symptom=r"could not be broadcast"),
    Mistake(
        "accuracy_argmax_one_column", A, "accuracy",
        "labels = y.argmax(axis=1) if y.ndim == 2 and y.shape[1] > 1 else y.reshape(-1)",
        "labels = y.argmax(axis=1) if y.ndim == 2 else y",
        ("test_accuracy",),
        "every 2-D target is argmaxed, (N, 1) 0/1 targets too: their labels are all 0",
        "argmax over a single column is always 0: (N, 1) 0/1 targets are labels already, "
        "reshape(-1) them; argmax only one-hot rows (K > 1 columns)",
        symptom=r"accuracy with \(N, 1\) targets is wrong.* got 0\.5, expected"),
    Mistake(
        "train_no_reshuffle", A, "train",
        "    for epoch in tqdm(range(1, epochs + 1), desc=\"training\", unit=\"epoch\"):\n"
        "        order = rng.permutation(len(X))\n",
        "    order = rng.permutation(len(X))\n"
        "    for epoch in tqdm(range(1, epochs + 1), desc=\"training\", unit=\"epoch\"):\n",
        ("test_train_batches",),
        "one permutation drawn before the loop: every epoch takes the same order",
        "draw a new permutation at the start of every epoch",
        symptom=r"used the same order|in the same order"),
    Mistake(
        "train_unaligned_targets", A, "train",
        "        order = rng.permutation(len(X))\n"
        "        for start in range(0, len(X), batch_size):\n"
        "            batch = order[start:start + batch_size]\n"
        "            loss.forward(model.forward(X[batch]), y[batch])\n",
        "        order, target_order = rng.permutation(len(X)), rng.permutation(len(X))\n"
        "        for start in range(0, len(X), batch_size):\n"
        "            batch = order[start:start + batch_size]\n"
        "            loss.forward(model.forward(X[batch]), y[target_order[start:start + batch_size]])\n",
        ("test_train_batches", "test_train_updates"),
        "X and y shuffled with different permutations",
        "index X and y with the same index array, so each example keeps its target",
        symptom=r"targets belong to other examples|its own examples and targets"),
    Mistake(
        "train_drops_last_batch", A, "train",
        "range(0, len(X), batch_size)", "range(0, len(X) - batch_size + 1, batch_size)",
        ("test_train_batches",),
        "the last, partial batch of every epoch is dropped",
        "keep the N % batch_size examples left over as a last, smaller batch",
        symptom=r"\(\d+( \+ \d+)*\), \d+ in \d+ epochs; got [1-9]"),
    Mistake(
        "train_global_random", A, "train",
        "order = rng.permutation(len(X))", "order = np.random.permutation(len(X))",
        ("test_train_batches",),
        "shuffled with the global np.random instead of the rng argument",
        "draw every permutation from np.random.default_rng(rng), so a seed fixes the run",
        symptom=r"took different batches"),
    Mistake(
        "train_no_step", A, "train",
        "            model.backward(loss.backward())\n            optimizer.step()\n",
        "            model.backward(loss.backward())\n",
        ("test_train_updates", "test_train_optimizer"),
        "gradients computed but no optimizer step taken",
        "after model.backward(loss.backward()), call optimizer.step() for every batch",
        symptom=r"parameters never changed|never called its step"),
    Mistake(
        "train_no_backward", A, "train",
        "            model.backward(loss.backward())\n", "",
        ("test_train_batches", "test_train_updates"),
        "the SGD step uses gradients that backward never computed",
        "for each batch: loss.forward, model.backward(loss.backward()), then the step",
        symptom=r"epochs; got 0$|gradients are all zero"),
    Mistake(
        "train_rows_reset_each_epoch", A, "train",
        "    rows = []\n"
        "    for epoch in tqdm(range(1, epochs + 1), desc=\"training\", unit=\"epoch\"):\n",
        "    for epoch in tqdm(range(1, epochs + 1), desc=\"training\", unit=\"epoch\"):\n"
        "        rows = []\n",
        ("test_train_history",),
        "the list of history rows is reset inside the epoch loop",
        "start the list of rows once per call, before the epoch loop, and append a row per "
        "epoch",
        symptom=r"one row per epoch|row\(s\) with epoch"),
    Mistake(
        "train_val_on_training_data", A, "train",
        'row["val_loss"] = loss.forward(model.forward(X_val), y_val)',
        'row["val_loss"] = loss.forward(model.forward(X), y)',
        ("test_train_history",),
        "the validation loss is computed on the training data",
        "val_loss is the loss on (X_val, y_val)",
        symptom=r"history\['val_loss'\]"),
    Mistake(
        "train_optimizer_ignored", A, "train",
        "optimizer = (optimizer or SGD)(model, lr)", "optimizer = SGD(model, lr)",
        ("test_train_optimizer",),
        "the optimizer argument is ignored: train always steps with SGD",
        "make the optimizer from the class you are given, optimizer(model, lr), and SGD only "
        "when optimizer is None",
        symptom=r"never made the optimizer it was given"),
    Mistake(
        "train_optimizer_every_epoch", A, "train",
        "    optimizer = (optimizer or SGD)(model, lr)  # once: Momentum and Adam keep state between steps\n"
        "    rows = []\n"
        "    for epoch in tqdm(range(1, epochs + 1), desc=\"training\", unit=\"epoch\"):\n",
        "    make_optimizer, rows = optimizer or SGD, []\n"
        "    for epoch in tqdm(range(1, epochs + 1), desc=\"training\", unit=\"epoch\"):\n"
        "        optimizer = make_optimizer(model, lr)\n",
        ("test_train_optimizer",),
        "a new optimizer made every epoch: Momentum's and Adam's running averages restart from zero",
        "make the optimizer once, before the first epoch, so its state carries over from step to "
        "step",
        symptom=r"made the optimizer \d+ times"),
    Mistake(
        "train_optimizer_class_not_made", A, "train",
        "optimizer = (optimizer or SGD)(model, lr)", "optimizer = optimizer or SGD(model, lr)",
        ("test_train_optimizer",),
        "the optimizer class is used as if it were an optimizer: optimizer.step() on the class",
        "optimizer is a class: make an optimizer from it, optimizer(model, lr), then call that "
        "object's step()",
        symptom=r"missing 1 required positional argument: 'self'"),
    Mistake(
        "input_linear_returns_dx", A, "input_linear",
        'self.grads["b"] = dout.sum(axis=0)',
        'self.grads["b"] = dout.sum(axis=0)\n        return dout @ self.params["W"].T',
        ("test_input_linear",),
        "InputLinear.backward still computes and returns dx",
        "the input layer's dx is never used: return nothing, and skip the product dout @ W.T",
        symptom=r"should return None, not ndarray"),
    Mistake(
        "input_linear_db_not_summed", A, "input_linear",
        'self.grads["b"] = dout.sum(axis=0)', 'self.grads["b"] = dout',
        ("test_input_linear",),
        "bias gradient of InputLinear not summed over the batch",
        "b is shared by all N examples: db = dout.sum(axis=0), shape (M,)",
        symptom=r"extra leading \(batch\) axis"),
    Mistake(
        "input_linear_dW_transposed", A, "input_linear",
        'self.grads["W"] = self.x.T @ dout', 'self.grads["W"] = dout.T @ self.x',
        ("test_input_linear",),
        "weight gradient of InputLinear computed as dout.T @ x, the transpose",
        "grads['W'] has the shape of W, (n_in, n_out): x.T @ dout",
        symptom=r"grads\['W'\].* has shape \((\d+), (\d+)\), expected \(\2, \1\)"),
    Mistake(
        "standardize_own_statistics", A, "standardizer",
        "    return (X - mean) / std", "    return (X - X.mean(axis=0)) / X.std(axis=0)",
        ("test_standardize",),
        "standardize recomputes the statistics of the data it is given (test statistics)",
        "use the mean and std of the training set that you are given, whatever X is",
        symptom=r"standardize\(X(_new)?, mean, std\).* (non-finite|is wrong)"),
    Mistake(
        "standardizer_zero_std", A, "standardizer",
        "return mean, np.where(std > 0, std, 1.0)", "return mean, std",
        ("test_fit_standardizer",),
        "a constant feature keeps std 0, and standardizing divides by zero",
        "replace a standard deviation of 0 by 1",
        symptom=r"std of the constant feature|a constant feature gets 1"),
    Mistake(
        "standardizer_wrong_axis", A, "standardizer",
        "mean = X_train.mean(axis=0)", "mean = X_train.mean(axis=1)",
        ("test_fit_standardizer",),
        "the mean is taken per example (row) instead of per feature",
        "one mean per feature: average over the examples, axis=0",
        symptom=r"^mean( of a .*)? (is wrong|has shape)"),
    Mistake(
        "standardize_in_place", A, "standardizer",
        "    return (X - mean) / std", "    X -= mean\n    X /= std\n    return X",
        ("test_standardize",),
        "standardize modifies its input in place",
        "return a new array, (X - mean) / std, and leave X as it was",
        symptom=r"modified in place"),
    Mistake(
        "fit_curve_output_sigmoid", A, "fit_curve",
        'model = build_mlp([1, hidden, 1], "tanh", rng=rng)',
        'model = Sequential(*build_mlp([1, hidden, 1], "tanh", rng=rng).layers, Sigmoid())',
        ("test_fit_curve",),
        "a Sigmoid after the output, as in the iris network trained with squared error",
        "a regression output is linear: the prediction can be any number, so no activation "
        "follows the last Linear",
        symptom=r"the last layer of fit_curve's model is Sigmoid"),
    Mistake(
        "fit_curve_sigmoid_units", A, "fit_curve",
        '"tanh", rng=rng)', '"sigmoid", rng=rng)',
        ("test_fit_curve",),
        "sigmoid hidden units instead of tanh",
        "build the network with tanh hidden units: build_mlp([1, hidden, 1], 'tanh')",
        symptom=r"got Linear, Sigmoid, Linear"),
    Mistake(
        "fit_curve_targets_vector", A, "fit_curve",
        "X, T = x.reshape(-1, 1), t.reshape(-1, 1)", "X, T = x.reshape(-1, 1), t",
        ("test_fit_curve",),
        "the inputs made a column but the targets left (N,): the loss broadcasts to (N, N)",
        "the targets must have the outputs' shape, (N, 1): (N, 1) outputs minus (N,) targets is "
        "an (N, N) table, whose gradient cannot pass back through the last Linear",
        symptom=r"\(N, N\) table"),
    Mistake(
        "fit_curve_classification_loss", A, "fit_curve",
        "train(model, MSELoss(), X, T,", "train(model, BCEWithLogitsLoss(), X, T,",
        ("test_fit_curve",),
        "trained with BCEWithLogitsLoss, a classifier's loss, instead of squared error",
        "a regression with a linear output trains with squared error: MSELoss()",
        symptom=r"is not the mean squared error"),
    Mistake(
        "fit_curve_optimizer_dropped", A, "fit_curve",
        "lr=lr,\n                    optimizer=optimizer, rng=rng)", "lr=lr,\n                    rng=rng)",
        ("test_fit_curve",),
        "the optimizer is not passed on to train, which then steps with SGD",
        "pass optimizer on to train: train(..., lr=lr, optimizer=optimizer, rng=rng)",
        symptom=r"should pass optimizer and lr on to train"),

]
