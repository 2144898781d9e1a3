// Config of the web dashboard served at /dashboard: on or off, an optional key of its own (besides
// the admin key), and an optional labelled file whose quality figures the Curve view shows.

import { z } from 'zod';

export const DashboardConfigSchema = z
  .object({
    /** Serve /dashboard and /dashboard/api (default on). */
    enabled: z.boolean().default(true),
    /** Environment variable holding a key that opens the dashboard only (the admin key always does). */
    keyEnv: z.string().default('TRIAGE_DASHBOARD_KEY'),
    /** A labelled file (normalised JSONL) for quality retained on the Curve view, as `triage calibrate --labels`. */
    labels: z
      .object({
        path: z.string().min(1),
        strongLabel: z.string().optional(),
        weakLabel: z.string().optional(),
        split: z.enum(['train', 'test']).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type DashboardConfig = z.infer<typeof DashboardConfigSchema>;
