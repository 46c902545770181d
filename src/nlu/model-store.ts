/**
 * Where artifacts live: DATA_DIR/models/<version>/, plus a `CURRENT` file
 * naming the active version. CURRENT is replaced by rename, so a reader sees
 * the old or the new version, never a torn write.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../core/errors.js';
import { ARTIFACT_TMP, loadArtifact, saveArtifact } from './artifact.js';
import type { ModelManifest, NluModel } from './model.js';

export class ModelStore {
  constructor(readonly dir: string) {}

  private get pointer(): string {
    return path.join(this.dir, 'CURRENT');
  }

  currentVersion(): string | null {
    if (!existsSync(this.pointer)) return null;
    const v = readFileSync(this.pointer, 'utf8').trim();
    return v && existsSync(path.join(this.dir, v, 'manifest.json')) ? v : null;
  }

  versions(): string[] {
    if (!existsSync(this.dir)) return [];
    return (
      readdirSync(this.dir, { withFileTypes: true })
        // Not an artifact still being written (a listing during a retrain once recorded one as a version).
        .filter((d) => d.isDirectory() && !ARTIFACT_TMP.test(d.name) && existsSync(path.join(this.dir, d.name, 'manifest.json')))
        .map((d) => d.name)
        .sort()
    );
  }

  pathOf(version: string): string {
    return path.join(this.dir, version);
  }

  /** A version's manifest alone (what listing needs, without loading the model). */
  manifest(version: string): ModelManifest {
    const file = path.join(this.pathOf(version), 'manifest.json');
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as ModelManifest;
    } catch (e) {
      throw new AppError('MODEL_INVALID', `${file}: ${(e as Error).message}`);
    }
  }

  /** When CURRENT last changed (epoch ms): when the current version was activated. */
  activatedAt(): number | null {
    return existsSync(this.pointer) ? Math.round(statSync(this.pointer).mtimeMs) : null;
  }

  /** Saves an artifact under its version; does not activate it. */
  save(model: NluModel): string {
    mkdirSync(this.dir, { recursive: true });
    const dir = this.pathOf(model.version);
    saveArtifact(model, dir);
    return dir;
  }

  activate(version: string): void {
    if (!existsSync(path.join(this.pathOf(version), 'manifest.json'))) {
      throw new AppError('MODEL_INVALID', `no model version ${version} in ${this.dir}`);
    }
    const tmp = `${this.pointer}.tmp-${process.pid}`;
    writeFileSync(tmp, `${version}\n`);
    renameSync(tmp, this.pointer);
  }

  loadCurrent(): NluModel | null {
    const v = this.currentVersion();
    return v ? loadArtifact(this.pathOf(v)) : null;
  }
}
