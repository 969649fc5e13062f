// One error vocabulary for backup and restore: a stable code an operator (or
// a test) can act on, and a message that says what to do. The scripts print
// the message and exit 1; nothing else in a refusal's path writes anything.
export type BackupErrorCode =
  | 'EMBEDDED_DATABASE'
  | 'NO_BACKUP_KEY'
  | 'BAD_BACKUP_KEY'
  | 'KEY_EXISTS'
  | 'NOT_A_BACKUP'
  | 'UNSUPPORTED_FORMAT'
  | 'FOREIGN_ARCHIVE'
  | 'DAMAGED_ARCHIVE'
  | 'NEWER_SCHEMA'
  | 'TARGET_NOT_EMPTY'
  | 'MISSING_FILE'
  | 'TOOL_FAILED';

export class BackupError extends Error {
  constructor(
    readonly code: BackupErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}
