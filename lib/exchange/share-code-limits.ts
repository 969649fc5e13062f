// One bound on share codes for both directions of the exchange. Our own codes
// are 32 characters (192 random bits, base64url); a partner's software may
// issue longer ones, so the bound is generous, but it is the same bound
// whether we receive a code in a Task (inbound, 400 beyond it) or a user types
// a partner's code (outbound, BAD_USER_INPUT beyond it). Shorter than the
// minimum cannot be an unguessable code.
export const shareCodeLength = { min: 8, max: 256 } as const;

/** Whether a code's length is within the bound (characters, as JSON counts them). */
export function shareCodeLengthOk(code: string): boolean {
  return code.length >= shareCodeLength.min && code.length <= shareCodeLength.max;
}
