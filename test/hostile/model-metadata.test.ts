/** Model metadata that contradicts the archive's weights is refused at load, naming the field. */
import { describe, expect, it } from 'vitest';
import { Model } from '../../lib/model/model.js';
import { EXAMPLE_MODEL } from '../helpers/examples.js';
import { fixture } from '../helpers/fixtures.js';

const CASES: [string, RegExp][] = [
  ['contradicts_n_classes.pt', /neuroswipe\.json: n_classes: 30, but the archive's output layer model\.decoder\.out\.weight gives 35 classes/],
  ['contradicts_d_model.pt', /neuroswipe\.json: d_model: 64, but the archive's decoder attention works on 128 features/],
  ['contradicts_n_heads.pt', /neuroswipe\.json: n_heads: 8, but the archive's model\.decoder\.transformer_decoder\.layers\.0\.self_attn has 4 heads/],
  ['contradicts_n_decoder_layers.pt', /neuroswipe\.json: n_decoder_layers: 3, but the archive's decoder has 4 layers/],
  ['contradicts_kv_layout.pt', /neuroswipe\.json: kv_layout: "rows" is not a cache layout this version reads \(known: heads\)/],
  ['contradicts_max_curve_len.pt', /neuroswipe\.json: max_curve_len: 500, but the archive's longest positional table model\.key_pos_encoder\.pe has 299 positions/],
  ['contradicts_n_traj_feats.pt', /neuroswipe\.json: n_traj_feats \/ key_input \/ n_key_columns: 9 trajectory features and one key id per point do not fit the archive's encode: /],
  ['contradicts_key_input.pt', /neuroswipe\.json: n_traj_feats \/ key_input \/ n_key_columns: 6 trajectory features and 37 key columns \(weights\) per point do not fit the archive's encode: /],
];

describe('model metadata against the archive', () => {
  for (const [file, message] of CASES) {
    it(`refuses ${file}`, async () => {
      const err = await Model.load(fixture(file)).then(() => null, (e: unknown) => e as Error);
      expect(err).toBeInstanceOf(Error);
      expect(err!.message).toContain(fixture(file));
      expect(err!.message).toMatch(message);
      expect(err!.message).not.toMatch(/\n\s+at /);
    });
  }

  it('accepts every consistent fixture and the example model', async () => {
    for (const f of [EXAMPLE_MODEL, fixture('m1_bigger.pt'), fixture('v3_weighted_and_traj_transformer_bigger.pt'), fixture('v3_nearest_only_transformer_bigger.pt')]) {
      const m = await Model.load(f);
      expect(m.metadata.d_model).toBeGreaterThan(0);
      m.dispose();
    }
  });
});
