import { SingleBar } from 'cli-progress';
import type { EpochRecord } from '../models/manifest';
import type { TrainingProgress } from '../training/progress';

/**
 * A terminal progress bar for training (on stderr, so `--json` output stays clean). Without a
 * terminal it prints one line per epoch instead of redrawing.
 */
export function trainingProgressBar(stream: NodeJS.WriteStream = process.stderr): TrainingProgress {
  const interactive = Boolean(stream.isTTY);
  let bar: SingleBar | undefined;
  let epochLabel = '';
  return {
    epochStart(epoch, totalEpochs, batches) {
      epochLabel = `epoch ${epoch}/${totalEpochs}`;
      if (!interactive) return;
      bar = new SingleBar({
        stream,
        format: ' {epochLabel} [{bar}] {percentage}% | loss {loss} | acc {acc} | ETA {eta_formatted}',
        barsize: 30,
        hideCursor: true,
        etaBuffer: 50,
      });
      bar.start(batches, 0, { epochLabel, loss: '-', acc: '-' });
    },
    batch(done, metrics) {
      if (!bar || (done % 5 !== 0 && done !== bar.getTotal())) return;
      bar.update(done, { loss: metrics.loss.toFixed(3), acc: metrics.acc.toFixed(3) });
    },
    epochEnd(record: EpochRecord) {
      bar?.stop();
      bar = undefined;
      stream.write(
        ` ${epochLabel}: loss ${record.loss.toFixed(3)} acc ${record.acc.toFixed(3)} | ` +
          `held-out loss ${record.valLoss.toFixed(3)} acc ${record.valAcc.toFixed(3)} | ${record.seconds.toFixed(1)} s\n`,
      );
    },
    done() {
      bar?.stop();
    },
  };
}
