import type * as tf from '@tensorflow/tfjs';
import { unsupported } from './unsupported';

type ConfigDict = ReturnType<tf.layers.Layer['getConfig']>;
type ConfigValue = ConfigDict[string];

/**
 * Typed reads of a layer's serialised config (the same dictionary a saved tfjs model holds), so
 * every setting the exporter relies on is checked rather than assumed.
 */
export class LayerConfig {
  constructor(
    private readonly layer: tf.layers.Layer,
    private readonly config: ConfigDict = layer.getConfig(),
  ) {}

  private value(key: string): ConfigValue | undefined {
    return this.config[key];
  }

  string(key: string, fallback?: string): string {
    const value = this.value(key) ?? fallback;
    if (typeof value !== 'string') throw unsupported(this.layer, `has no string setting "${key}"`);
    return value;
  }

  number(key: string, fallback?: number): number {
    const value = this.value(key) ?? fallback;
    if (typeof value !== 'number') throw unsupported(this.layer, `has no numeric setting "${key}"`);
    return value;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.value(key) ?? fallback;
    if (typeof value !== 'boolean') throw unsupported(this.layer, `has a non-boolean setting "${key}"`);
    return value;
  }

  /** tfjs stores 1-D sizes sometimes as a number and sometimes as a one-element list. */
  single(key: string, fallback: number): number {
    const value = this.value(key) ?? fallback;
    const single = Array.isArray(value) && value.length === 1 ? value[0] : value;
    if (typeof single !== 'number') {
      throw unsupported(this.layer, `has a setting "${key}" that is not one number`);
    }
    return single;
  }

  /** Requires `key` to be `expected` (after defaults), naming the setting when it is not. */
  expect(key: string, expected: string | number | boolean, fallback?: string | number | boolean): void {
    const raw = this.value(key) ?? fallback;
    const value = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
    if (value !== expected) {
      throw unsupported(
        this.layer,
        `has ${key}=${JSON.stringify(raw)}; only ${JSON.stringify(expected)} is supported`,
      );
    }
  }

  /** The config of a wrapped layer (Bidirectional's `layer`). */
  nested(key: string): { className: string; config: LayerConfig } {
    const value = this.value(key);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw unsupported(this.layer, `has no nested layer "${key}"`);
    }
    const { className, config } = value as { className?: unknown; config?: unknown };
    if (typeof className !== 'string' || config === null || typeof config !== 'object') {
      throw unsupported(this.layer, `has a malformed nested layer "${key}"`);
    }
    return { className, config: new LayerConfig(this.layer, config as ConfigDict) };
  }
}

export interface LayerWeight {
  shape: number[];
  values: ArrayLike<number>;
}

/**
 * The layer's weights in tfjs order, checked against the shapes the converter derived from the
 * config. The tensors belong to the model: they are read, never disposed.
 */
export function readWeights(layer: tf.layers.Layer, expectedShapes: number[][]): LayerWeight[] {
  const weights = layer.getWeights();
  const describe = (shapes: number[][]) => shapes.map((s) => `[${s}]`).join(', ');
  const actual = weights.map((w) => w.shape);
  if (
    weights.length !== expectedShapes.length ||
    actual.some((shape, i) => shape.join(',') !== (expectedShapes[i] ?? []).join(','))
  ) {
    throw unsupported(layer, `has weights ${describe(actual)}, expected ${describe(expectedShapes)}`);
  }
  return weights.map((w) => {
    if (w.dtype !== 'float32') throw unsupported(layer, `has a ${w.dtype} weight; only float32 is exported`);
    return { shape: w.shape, values: w.dataSync() };
  });
}
