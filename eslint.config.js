// ESLint for the graph page's script modules (kg/render/templates/js) and their Node unit tests (tests/js).
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["kg/render/templates/js/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.browser } },
    rules: {
      "no-restricted-properties": ["error",
        { property: "innerHTML", message: "build elements with createElement/textContent" },
        { property: "outerHTML", message: "build elements with createElement/textContent" },
        { property: "insertAdjacentHTML", message: "build elements with createElement/textContent" },
        { object: "document", property: "write", message: "never write markup" }],
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: "error",
      "no-unused-vars": ["error", { args: "none" }],
    },
  },
  {
    files: ["tests/js/**/*.js", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node } },
  },
];
