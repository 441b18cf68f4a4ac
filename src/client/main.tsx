import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { languageReady } from './i18n/index.ts';
import './styles.css';
import { App } from './app/App.tsx';

// Chinese is ready at once; an English reader waits for its strings (one small chunk) so the
// first screen never flashes in the other language.
await languageReady;
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
