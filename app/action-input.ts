// Server actions are public endpoints: React hands a `(previousState, formData)` action the form's
// FormData, but a forged call can hand it anything (no arguments, a plain object, a string).

/** The form an action was given, or an empty one, so the action's own input checks answer. */
export function formOf(value: unknown): FormData {
  return value instanceof FormData ? value : new FormData();
}
