// Paths shared by the embedding tests: the shipped GloVe folder that tests load (real weights).

import { fileURLToPath } from 'node:url';

export const GLOVE_DIR = fileURLToPath(new URL('../../models/embedders/glove-100d/', import.meta.url)).replace(/\/$/, '');
