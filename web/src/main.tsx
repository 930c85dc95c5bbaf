import { render } from 'preact';
import { App } from './app.js';
import { parseConfig } from './config.js';
import './styles.css';

/** Reads config.json (API base URL, sign-in mode) from beside index.html, then starts the console. */
const start = async () => {
  const answer = await fetch('/config.json', { cache: 'no-cache' }).catch(() => undefined);
  const config = parseConfig(answer?.ok ? await answer.json() : {}, location.origin);
  const root = document.getElementById('app');
  if (root) render(<App config={config} />, root);
};

void start();
