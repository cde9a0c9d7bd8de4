// TouchstoneAttribution: journeys, heuristic models, Markov removal effects, Shapley values.
