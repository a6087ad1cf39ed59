// Training of attribute heads from Hawk's approved labels (issue 18).
export { TrainingService, type TrainingServiceOptions, type JobProgress } from './training.service.ts';
export { TrainingRepository } from './training.repository.ts';
export { HawkLabelsClient, HawkApiError } from '../clients/hawk-labels.client.ts';
export { parseTrainConfig, expandGrid, TrainConfigError, TRAIN_DEFAULTS } from './train-config.ts';
export { TrainingInputError, headName } from './training-dataset.ts';
