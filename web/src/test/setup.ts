// Vitest set-up: a clean DOM and session storage between tests.
import { afterEach } from "vitest";
import { cleanup } from "@testing-library/react";

afterEach(() => {
  cleanup();
  sessionStorage.clear();
  localStorage.clear();
});
import "@testing-library/jest-dom/vitest";
