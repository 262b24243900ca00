import { cleanup } from '@solidjs/testing-library';
import { afterEach } from 'vitest';

// Without Vitest globals the testing library cannot register this itself.
afterEach(() => {
  cleanup();
  localStorage.clear();
  window.history.replaceState(null, '', '/');
});
