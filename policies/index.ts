import { PolicyPack } from '@pulumi/policy';
import { allPolicies } from './all-policies';

// Constructing the pack starts the engine's gRPC server: nothing else happens in this file.
new PolicyPack('hscode', { policies: allPolicies });
