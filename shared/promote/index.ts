import type { PromoteConfig } from '../config/run-config';
import { AutoScalingPromoter, type AutoScalingPromoterDeps } from './auto-scaling-promoter';
import type { Promoter } from './promoter';
import { WebhookPromoter, type WebhookPromoterDeps } from './webhook-promoter';

export type { Promoter } from './promoter';

export type PromoterDeps = AutoScalingPromoterDeps & WebhookPromoterDeps;

/** The configured way to promote: none (verdict only), the production Auto Scaling group, or a webhook. */
export function createPromoter(config: PromoteConfig, deps: PromoterDeps = {}): Promoter {
  switch (config.strategy) {
    case 'none':
      return {
        promote: async (state) =>
          `no promotion configured (promote.strategy "none"): canary ${state.input.canary.version} passed, roll it out yourself`,
      };
    case 'autoScaling':
      return new AutoScalingPromoter(config, deps);
    case 'webhook':
      return new WebhookPromoter(config, deps);
  }
}
