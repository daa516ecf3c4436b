// Baseline: Express 5, no auth, no logging.
import express from 'express';
import { ITEMS, config } from './common.js';

const app = express();
app.get('/api/items', (_request, response) => response.json(ITEMS));
app.listen(config.port, '127.0.0.1');
