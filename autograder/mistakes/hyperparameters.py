"""Mistakes students make in 05_hyperparameters."""

from autograder.mistakes import Mistake

A = "05_hyperparameters"

# The check of an unknown factor, as the master writes it
_FACTOR_CHECK = ("    if factor not in baseline:\n"
                 "        raise ValueError(f\"unknown factor {factor!r}; the baseline has "
                 "{', '.join(baseline)}\")\n")

MISTAKES = [
    Mistake(
        "train_config_depth_counts_linears", A, "train_config",
        '[config["width"]] * config["depth"]', '[config["width"]] * (config["depth"] - 1)',
        ("test_train_config_model",),
        "depth read as the number of Linear layers, so the network has one hidden layer too few",
        "depth counts the hidden layers: sizes = [D] + [width] * depth + [n_outputs]",
        symptom=r"depth 2 should give .*; got Linear, ReLU, Linear$"),
    Mistake(
        "train_config_init_std_dropped", A, "train_config",
        'build_mlp(sizes, config["activation"], init_std=config["init_std"], rng=seed)',
        'build_mlp(sizes, config["activation"], rng=seed)',
        ("test_train_config_model",),
        "config['init_std'] is not passed on to build_mlp, so every network starts with its "
        "default initialization",
        "pass init_std=config['init_std'] on to build_mlp",
        symptom=r"the initial layers\[\d+\]\.params\['[Wb]'\]"),
    Mistake(
        "train_config_activation_relu", A, "train_config",
        'build_mlp(sizes, config["activation"],', 'build_mlp(sizes, "relu",',
        ("test_train_config_model",),
        "the activation of 04's networks, ReLU, instead of the config's",
        "pass the config's activation on to build_mlp: build_mlp(sizes, config['activation'], ...)",
        symptom=r"with activation 'tanh' the hidden units should be Tanh"),
    Mistake(
        "train_config_val_own_statistics", A, "train_config",
        "standardize(X_val, mean, std)", "standardize(X_val, *fit_standardizer(X_val))",
        ("test_train_config_inputs",),
        "the validation inputs standardized with their own mean and std",
        "standardize X_val with the mean and std of the training set: the validation set stands "
        "in for data the network has never seen",
        symptom=r"X_val passed to train for inputs='standardized'"),
    Mistake(
        "train_config_typo_trains_raw", A, "train_config",
        "    elif config[\"inputs\"] != \"raw\":\n"
        "        raise ValueError(f\"inputs must be 'standardized' or 'raw'; got "
        "{config['inputs']!r}\")\n",
        "",
        ("test_train_config_inputs",),
        "any value of inputs other than 'standardized' trains on raw inputs",
        "check for 'raw' too and raise a ValueError for anything else: a typo must not quietly "
        "train on raw inputs",
        symptom=r"\(a typo\) should raise a ValueError"),
    Mistake(
        "train_config_shared_rng", A, "train_config",
        'model = build_mlp(sizes, config["activation"], init_std=config["init_std"], rng=seed)\n'
        "    optimizer = {\"sgd\": SGD, \"momentum\": Momentum, \"adam\": Adam}[config[\"optimizer\"]]\n"
        "    history = train(model, data.loss(), X_train, data.y_train, "
        "epochs=config[\"epochs\"],\n"
        "                    batch_size=config[\"batch_size\"], lr=config[\"lr\"], X_val=X_val,\n"
        "                    y_val=data.y_val, rng=seed, optimizer=optimizer)",
        "rng = np.random.default_rng(seed)\n"
        '    model = build_mlp(sizes, config["activation"], init_std=config["init_std"], rng=rng)\n'
        "    optimizer = {\"sgd\": SGD, \"momentum\": Momentum, \"adam\": Adam}[config[\"optimizer\"]]\n"
        "    history = train(model, data.loss(), X_train, data.y_train, "
        "epochs=config[\"epochs\"],\n"
        "                    batch_size=config[\"batch_size\"], lr=config[\"lr\"], X_val=X_val,\n"
        "                    y_val=data.y_val, rng=rng, optimizer=optimizer)",
        ("test_train_config_training",),
        "one Generator shared by build_mlp and train",
        "pass the seed itself to both, rng=seed: with one shared Generator the order of the "
        "minibatches depends on how many numbers the initialization drew",
        symptom=r"a fresh stream from the seed"),
    Mistake(
        "train_config_lr_from_04", A, "train_config",
        'lr=config["lr"]', "lr=0.05",
        ("test_train_config_training",),
        "the learning rate of 04's call of train, 0.05, instead of the config's",
        "take every number of the training from the config: lr=config['lr']",
        symptom=r"got epochs=\d+, batch_size=\d+, lr=0\.05$|train got lr=0\.05"),
    Mistake(
        "train_config_optimizer_ignored", A, "train_config",
        "y_val=data.y_val, rng=seed, optimizer=optimizer)", "y_val=data.y_val, rng=seed)",
        ("test_train_config_training",),
        "the optimizer the config names is never passed to train, so every run uses SGD",
        "pass the class the config's optimizer names on to train: optimizer=Momentum for "
        "'momentum', Adam for 'adam'",
        symptom=r"optimizer=Momentum for 'momentum'"),
    Mistake(
        "run_experiment_checks_merged_config", A, "run_experiment",
        _FACTOR_CHECK + "    config = {**baseline, factor: value}\n",
        "    config = {**baseline, factor: value}\n"
        + _FACTOR_CHECK.replace("not in baseline", "not in config"),
        ("test_run_experiment_config",),
        "the factor is looked for in the configuration it was just added to, so it is always "
        "found",
        "check the factor against the baseline, before adding it: a typo would quietly train "
        "the baseline again",
        symptom=r"should raise a ValueError"),
    Mistake(
        "run_experiment_baseline_wins", A, "run_experiment",
        "config = {**baseline, factor: value}", "config = {factor: value, **baseline}",
        ("test_run_experiment_config",),
        "the dicts merged the wrong way round: the baseline's value overrides the factor's",
        "in {**a, **b} the later one wins: {**baseline, factor: value} puts the run's value "
        "last",
        symptom=r"and nothing else changed; train_config got"),
    Mistake(
        "run_experiment_first_epoch", A, "run_experiment",
        "final = history.iloc[-1]", "final = history.iloc[0]",
        ("test_run_experiment_row",),
        "the row reports the first epoch of the history instead of the last",
        "the final losses and accuracies are in the last row of the history: history.iloc[-1]",
        symptom=r"row\['(train|val)_(loss|accuracy)'\] for a history of"),
    Mistake(
        "run_experiment_timer_after", A, "run_experiment",
        "    started = time.perf_counter()\n    _, history = train_config(config, data, seed)\n",
        "    _, history = train_config(config, data, seed)\n    started = time.perf_counter()\n",
        ("test_run_experiment_row",),
        "the clock is started after training, so seconds is about 0",
        "start the clock right before train_config and read it right after",
        symptom=r"row\['seconds'\] should be the time train_config took"),
    Mistake(
        "run_study_seeds_before_values", A, "run_study",
        "for value in values\n            for seed in seeds]",
        "for seed in seeds\n            for value in values]",
        ("test_run_study_table", "test_run_study_calls"),
        "the loops over the values and the seeds nested the wrong way round",
        "for each factor, each value, each seed: the seeds loop innermost",
        symptom=r"factor by factor, value by value|the calls were \[\('lr', 0\.1, 5\), "
                r"\('lr', 1\.0, 5\)"),
    Mistake(
        "run_study_seed_positions", A, "run_study",
        "for seed in seeds]", "for seed in range(len(seeds))]",
        ("test_run_study_table", "test_run_study_calls"),
        "the positions 0, 1, ... of the seeds passed on instead of the seeds",
        "pass the seeds themselves, for seed in seeds: [5, 6] are not seeds 0 and 1",
        symptom=r"runs are missing from the table|the calls were \[\('lr', 0\.1, 0\)"),
    Mistake(
        "run_study_bars_shown", A, "run_study",
        "        with quiet_progress():\n            rows.append(", "        rows.append(",
        ("test_run_study_calls",),
        "the runs are not called inside quiet_progress(), so every training shows its own bar",
        "call each run inside `with quiet_progress():`; the study's own bar, made before, keeps "
        "going",
        symptom=r"progress bars made during a run are shown"),
    Mistake(
        "run_study_returns_rows", A, "run_study",
        "return pd.DataFrame(rows, columns=list(COLUMNS))", "return rows",
        ("test_run_study_table",),
        "the list of rows is returned instead of a table",
        "make one DataFrame from the rows: pd.DataFrame(rows, columns=list(COLUMNS))",
        symptom=r"should return a DataFrame, got list"),
    Mistake(
        "summarize_by_value_only", A, "summarize",
        'study.groupby(["factor", "value"], sort=False)', 'study.groupby("value", sort=False)',
        ("test_summarize",),
        "the table grouped by value alone, so a depth of 1 and 1 epoch share a row",
        "group by factor and value together: groupby(['factor', 'value'])",
        symptom=r"pairs should give 3 rows, got 2"),
    Mistake(
        "summarize_names_reversed", A, "summarize",
        'f"{metric}_{statistic}"', 'f"{statistic}_{metric}"',
        ("test_summarize",),
        "the columns named mean_val_loss instead of val_loss_mean",
        "name each column metric + '_mean' or metric + '_std', the metric first",
        symptom=r"needs a column 'val_loss_mean'; it has .*'mean_val_loss'"),
    Mistake(
        "summarize_runs_per_study", A, "summarize",
        'summary.insert(0, "runs", groups.size())',
        'summary.insert(0, "runs", study["seed"].nunique())',
        ("test_summarize",),
        "runs counts the seeds of the whole study, not the runs of each factor and value",
        "count the rows of each group, groups.size(): a configuration may have fewer runs",
        symptom=r"^runs for .* should be \d+, got \d+"),
    Mistake(
        "effect_lowest_accuracy", A, "effect",
        'means.idxmax() if metric.endswith("accuracy") else means.idxmin()', "means.idxmin()",
        ("test_effect_best",),
        "the best value is always the one with the lowest mean, for an accuracy too",
        "lower is better for a loss, higher for an accuracy: take idxmax for a metric that ends "
        "in 'accuracy'",
        symptom=r"for an accuracy the best value has the highest mean|the highest mean of its rows"),
    Mistake(
        "effect_difference_reversed", A, "effect",
        'difference = row[metric + "_mean"] - base[metric + "_mean"]',
        'difference = base[metric + "_mean"] - row[metric + "_mean"]',
        ("test_effect_best",),
        "the difference taken the wrong way round, the baseline's mean minus the value's",
        "the value's mean minus the baseline's: a lower loss than the baseline's gives a negative "
        "difference",
        symptom=r"^difference for .* is wrong"),
    Mistake(
        "effect_noise_of_single_runs", A, "effect",
        'noise = np.sqrt(row[metric + "_std"] ** 2 / row["runs"]\n'
        '                    + base[metric + "_std"] ** 2 / base["runs"])',
        'noise = np.sqrt(row[metric + "_std"] ** 2 + base[metric + "_std"] ** 2)',
        ("test_effect_finding",),
        "the noise made of the spreads of single runs, not of the means: the runs are not divided "
        "out",
        "a mean over n runs varies by std / sqrt(n): noise = sqrt(s_value**2 / n_value + "
        "s_base**2 / n_base)",
        symptom=r"^noise for .* is wrong"),
    Mistake(
        "effect_finding_one_sided", A, "effect",
        '"finding": bool(abs(difference) > 2 * noise)', '"finding": bool(difference > 2 * noise)',
        ("test_effect_finding",),
        "only an increase counts as a finding, so a loss well below the baseline's is not one",
        "a difference either way is a finding: compare |difference| with 2 * noise",
        symptom=r"^finding for .* should be True"),
]
