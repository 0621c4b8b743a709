// The Pulumi program (Pulumi.yaml points here): read the stack's config and compose; nothing else.
import { runStack } from './stack';

export = runStack();
