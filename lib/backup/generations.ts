// Generations: one archive per run, named by its UTC time so that names sort
// as times do (renkei-backup-20261206T031500123Z.rnkb, with a sha256sum-style
// .sha256 beside it). After a new archive is safely written, the oldest are
// removed until BACKUP_KEEP remain; never before, so a failed run never
// leaves fewer generations than it found. Files that are not archives are
// never touched.
export const archivePattern = /^renkei-backup-(\d{8}T\d{9}Z)\.rnkb$/;

export function archiveFileName(at: Date): string {
  const stamp = at.toISOString().replace(/[-:.]/g, '');
  return `renkei-backup-${stamp}.rnkb`;
}

/** The archives (by file name) to delete so that the newest `keep` remain. */
export function generationsToPrune(fileNames: string[], keep: number): string[] {
  const archives = fileNames.filter((name) => archivePattern.test(name)).sort();
  return archives.slice(0, Math.max(0, archives.length - keep));
}
