// The TypeScript backend of TrainOps: the reference the C++ kernels are checked against, and the
// fallback where the addon is not built. Same loop order and double accumulation as train_ops.cc.
import type { TrainOps } from './train-ops.ts';

export function createReferenceTrainOps(): TrainOps {
  return {
    backendName: 'ts',
    denseForward({ n, in: inSize, out, x, w, b, y }) {
      for (let r = 0; r < n; r++) {
        for (let o = 0; o < out; o++) {
          let acc = b[o]!;
          const xo = r * inSize, wo = o * inSize;
          for (let i = 0; i < inSize; i++) acc += x[xo + i]! * w[wo + i]!;
          y[r * out + o] = acc;
        }
      }
    },
    denseBackward({ n, in: inSize, out, x, w, dy, dx, dw, db }) {
      if (dx) {
        for (let r = 0; r < n; r++) {
          for (let i = 0; i < inSize; i++) {
            let acc = 0;
            for (let o = 0; o < out; o++) acc += dy[r * out + o]! * w[o * inSize + i]!;
            dx[r * inSize + i] = acc;
          }
        }
      }
      for (let o = 0; o < out; o++) {
        for (let i = 0; i < inSize; i++) {
          let acc = 0;
          for (let r = 0; r < n; r++) acc += dy[r * out + o]! * x[r * inSize + i]!;
          dw[o * inSize + i] = acc;
        }
        let acc = 0;
        for (let r = 0; r < n; r++) acc += dy[r * out + o]!;
        db[o] = acc;
      }
    },
    convForward({ n, c, h, w, o: outC, k, pad, x, weight, b, y }) {
      const oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1;
      let e = 0;
      for (let r = 0; r < n; r++)
        for (let o = 0; o < outC; o++)
          for (let oy = 0; oy < oh; oy++)
            for (let ox = 0; ox < ow; ox++) {
              let acc = b[o]!;
              for (let ci = 0; ci < c; ci++)
                for (let ky = 0; ky < k; ky++) {
                  const iy = oy + ky - pad;
                  if (iy < 0 || iy >= h) continue;
                  for (let kx = 0; kx < k; kx++) {
                    const ix = ox + kx - pad;
                    if (ix < 0 || ix >= w) continue;
                    acc += x[((r * c + ci) * h + iy) * w + ix]! * weight[((o * c + ci) * k + ky) * k + kx]!;
                  }
                }
              y[e++] = acc;
            }
    },
    convBackward({ n, c, h, w, o: outC, k, pad, x, weight, dy, dx, dw, db }) {
      const oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1;
      if (dx) {
        for (let r = 0; r < n; r++)
          for (let ci = 0; ci < c; ci++)
            for (let iy = 0; iy < h; iy++)
              for (let ix = 0; ix < w; ix++) {
                let acc = 0;
                for (let o = 0; o < outC; o++)
                  for (let ky = 0; ky < k; ky++) {
                    const oy = iy - ky + pad;
                    if (oy < 0 || oy >= oh) continue;
                    for (let kx = 0; kx < k; kx++) {
                      const ox = ix - kx + pad;
                      if (ox < 0 || ox >= ow) continue;
                      acc += dy[((r * outC + o) * oh + oy) * ow + ox]! * weight[((o * c + ci) * k + ky) * k + kx]!;
                    }
                  }
                dx[((r * c + ci) * h + iy) * w + ix] = acc;
              }
      }
      for (let o = 0; o < outC; o++)
        for (let ci = 0; ci < c; ci++)
          for (let ky = 0; ky < k; ky++)
            for (let kx = 0; kx < k; kx++) {
              let acc = 0;
              for (let r = 0; r < n; r++)
                for (let oy = 0; oy < oh; oy++) {
                  const iy = oy + ky - pad;
                  if (iy < 0 || iy >= h) continue;
                  for (let ox = 0; ox < ow; ox++) {
                    const ix = ox + kx - pad;
                    if (ix < 0 || ix >= w) continue;
                    acc += dy[((r * outC + o) * oh + oy) * ow + ox]! * x[((r * c + ci) * h + iy) * w + ix]!;
                  }
                }
              dw[((o * c + ci) * k + ky) * k + kx] = acc;
            }
      for (let o = 0; o < outC; o++) {
        let acc = 0;
        for (let r = 0; r < n; r++) for (let p = 0; p < oh * ow; p++) acc += dy[(r * outC + o) * oh * ow + p]!;
        db[o] = acc;
      }
    },
    maxPoolForward({ nc, h, w, k, x, y, argmax }) {
      const oh = Math.floor(h / k), ow = Math.floor(w / k);
      for (let p = 0; p < nc; p++)
        for (let oy = 0; oy < oh; oy++)
          for (let ox = 0; ox < ow; ox++) {
            let best = (p * h + oy * k) * w + ox * k;
            for (let ky = 0; ky < k; ky++)
              for (let kx = 0; kx < k; kx++) {
                const i = (p * h + oy * k + ky) * w + ox * k + kx;
                if (x[i]! > x[best]!) best = i;
              }
            const o = (p * oh + oy) * ow + ox;
            y[o] = x[best]!;
            argmax[o] = best;
          }
    },
    maxPoolBackward({ nc, h, w, k, dy, argmax, dx }) {
      dx.fill(0, 0, nc * h * w);
      const outs = nc * Math.floor(h / k) * Math.floor(w / k);
      for (let o = 0; o < outs; o++) dx[argmax[o]!] = dy[o]!;
    },
    reluForward({ len, x, y }) {
      for (let i = 0; i < len; i++) y[i] = x[i]! > 0 ? x[i]! : 0;
    },
    reluBackward({ len, x, dy, dx }) {
      for (let i = 0; i < len; i++) dx[i] = x[i]! > 0 ? dy[i]! : 0;
    },
    dropout({ len, x, mask, scale, y }) {
      for (let i = 0; i < len; i++) y[i] = mask[i] ? x[i]! * scale : 0;
    },
    softmaxCrossEntropy({ n, k, logits, labels, classWeights, probs, dlogits }) {
      let totalWeight = 0;
      for (let r = 0; r < n; r++) totalWeight += classWeights ? classWeights[labels[r]!]! : 1;
      if (!(totalWeight > 0)) totalWeight = 1;
      let loss = 0;
      for (let r = 0; r < n; r++) {
        const o = r * k;
        let mx = logits[o]!;
        for (let j = 1; j < k; j++) mx = logits[o + j]! > mx ? logits[o + j]! : mx;
        let sum = 0;
        for (let j = 0; j < k; j++) sum += Math.exp(logits[o + j]! - mx);
        const y = labels[r]!;
        const wy = classWeights ? classWeights[y]! : 1;
        loss += wy * (Math.log(sum) - (logits[o + y]! - mx));
        for (let j = 0; j < k; j++) {
          const p = Math.exp(logits[o + j]! - mx) / sum;
          probs[o + j] = p;
          dlogits[o + j] = (wy * (p - (j === y ? 1 : 0))) / totalWeight;
        }
      }
      return loss / totalWeight;
    },
    sgdStep({ len, param, grad, v, lr, momentum, weightDecay }) {
      for (let i = 0; i < len; i++) {
        const g = grad[i]! + weightDecay * param[i]!;
        const vel = momentum * v[i]! + g;
        v[i] = vel;
        param[i] = param[i]! - lr * vel;
      }
    },
    adamStep({ len, param, grad, m, v, lr, beta1, beta2, eps, weightDecay, bc1, bc2 }) {
      for (let i = 0; i < len; i++) {
        const g = grad[i]!;
        const mi = beta1 * m[i]! + (1 - beta1) * g;
        const vi = beta2 * v[i]! + (1 - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        const p = param[i]!;
        param[i] = p - lr * (mi / bc1 / (Math.sqrt(vi / bc2) + eps) + weightDecay * p);
      }
    },
  };
}
