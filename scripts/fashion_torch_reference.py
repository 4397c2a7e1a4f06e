#!/usr/bin/python3
"""PyTorch reference for the Fashion-MNIST MLP recipes in README.md ("Fashion-MNIST recipes (measured)").

Trains 784-H1-H2-10 (ReLU; optional batch norm + dropout after each hidden activation, the order
Dense -> ReLU -> BatchNorm -> Dropout used by docs/examples/fashion-mlp-bn-dropout.json) with Adam
(eps 1e-7, as Myelin's default) on the four IDX files, and prints one line per epoch:
    epoch seconds train_loss test_loss test_accuracy
then a FINAL line. Needs torch and numpy (Debian: /usr/bin/python3 with python3-torch).

    /usr/bin/python3 scripts/fashion_torch_reference.py --seed 42
    /usr/bin/python3 scripts/fashion_torch_reference.py --seed 42 --bn --dropout 0.2
    /usr/bin/python3 scripts/fashion_torch_reference.py --seed 42 --bn --dropout 0.2 --bn-momentum 0.99 --bn-eps 1e-3

--bn-momentum uses Myelin's (Keras) convention r = m*r + (1-m)*batch_stat, so PyTorch's default is 0.9;
--bn-biased-running-var keeps the biased batch variance in the running statistics as Myelin/Keras do.
"""
import argparse
import gzip
import os
import time

import numpy as np
import torch


def idx(path):
    b = gzip.open(path).read() if path.endswith('.gz') else open(path, 'rb').read()
    nd = b[3]
    dims = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], 'big') for i in range(nd)]
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


def find(d, stem):
    for name in (stem + '.gz', stem):
        if os.path.exists(os.path.join(d, name)):
            return os.path.join(d, name)
    raise SystemExit('missing %s in %s' % (stem, d))


class BiasedRunningVarBN(torch.nn.BatchNorm1d):
    """BatchNorm1d whose running variance is updated with the biased batch variance (Keras/Myelin default)."""

    def forward(self, x):
        if not self.training:
            return super().forward(x)
        mean = x.mean(0)
        var = x.var(0, unbiased=False)
        with torch.no_grad():
            m = self.momentum
            self.running_mean.mul_(1 - m).add_(m * mean)
            self.running_var.mul_(1 - m).add_(m * var)
        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--seed', type=int, default=42)
    p.add_argument('--data', default=os.environ.get('MYELIN_DATA', '/usr/share/datasets/fashion-mnist'))
    p.add_argument('--hidden', default='256,128')
    p.add_argument('--bn', action='store_true')
    p.add_argument('--dropout', type=float, default=0.0)
    p.add_argument('--bn-momentum', type=float, default=0.9, help="Myelin/Keras convention (PyTorch's 0.1 = 0.9)")
    p.add_argument('--bn-eps', type=float, default=1e-5)
    p.add_argument('--bn-biased-running-var', action='store_true')
    p.add_argument('--init', choices=['torch', 'glorot'], default='torch',
                   help='torch: PyTorch Linear default; glorot: Glorot uniform weights, zero biases (Myelin default)')
    p.add_argument('--norm', choices=['minmax', 'zscore'], default='minmax',
                   help='minmax: pixels / 255; zscore: per-pixel mean/std of the training set')
    p.add_argument('--epochs', type=int, default=10)
    p.add_argument('--batch-size', type=int, default=128)
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--save', help='write the final parameters and running stats to this .npz file')
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    xtr = idx(find(a.data, 'train-images-idx3-ubyte')).reshape(-1, 784).astype(np.float32)
    ytr = torch.tensor(idx(find(a.data, 'train-labels-idx1-ubyte')).astype(np.int64))
    xte = idx(find(a.data, 't10k-images-idx3-ubyte')).reshape(-1, 784).astype(np.float32)
    yte = torch.tensor(idx(find(a.data, 't10k-labels-idx1-ubyte')).astype(np.int64))
    if a.norm == 'minmax':
        xtr, xte = xtr / 255.0, xte / 255.0
    else:
        mu, sd = xtr.mean(0), xtr.std(0)
        sd[sd == 0] = 1.0
        xtr, xte = (xtr - mu) / sd, (xte - mu) / sd
    xtr, xte = torch.tensor(xtr), torch.tensor(xte)

    torch.manual_seed(a.seed)
    layers, width = [], 784
    for h in [int(v) for v in a.hidden.split(',')]:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        if a.bn:
            cls = BiasedRunningVarBN if a.bn_biased_running_var else torch.nn.BatchNorm1d
            layers.append(cls(h, eps=a.bn_eps, momentum=1.0 - a.bn_momentum))
        if a.dropout > 0:
            layers.append(torch.nn.Dropout(a.dropout))
        width = h
    layers.append(torch.nn.Linear(width, 10))
    model = torch.nn.Sequential(*layers)
    if a.init == 'glorot':
        for mod in model.modules():
            if isinstance(mod, torch.nn.Linear):
                torch.nn.init.xavier_uniform_(mod.weight)
                torch.nn.init.zeros_(mod.bias)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, eps=1e-7)
    lossf = torch.nn.CrossEntropyLoss()
    n = xtr.shape[0]
    for ep in range(a.epochs):
        model.train()
        t0 = time.time()
        perm = torch.randperm(n)
        tot = 0.0
        for s in range(0, n, a.batch_size):
            i = perm[s:s + a.batch_size]
            opt.zero_grad()
            loss = lossf(model(xtr[i]), ytr[i])
            loss.backward()
            opt.step()
            tot += loss.item() * len(i)
        model.eval()
        with torch.no_grad():
            out = model(xte)
            test_loss = lossf(out, yte).item()
            acc = (out.argmax(1) == yte).float().mean().item()
        print('%d %.2f %.4f %.4f %.4f' % (ep + 1, time.time() - t0, tot / n, test_loss, acc), flush=True)
    if a.save:
        np.savez(a.save, **{k: v.detach().numpy() for k, v in model.state_dict().items()})
    print('FINAL seed=%d train_loss=%.4f test_acc=%.4f test_loss=%.4f' % (a.seed, tot / n, acc, test_loss))


if __name__ == '__main__':
    main()
