#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz tests (src/test/resources/io/myelin/**/<Test>Inputs/<method>/).

Each seed is one input a reader must refuse with a user error or read cleanly: the cases of issue 13 and
small valid files to mutate from. scripts/fuzz.sh adds the fuzzer's findings beside them.
Run from the repository root: python3 scripts/fuzz-seeds.py
"""
import gzip, json, os, struct

R = 'src/test/resources/io/myelin'

def put(target, name, data):
    d = os.path.join(R, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data.encode() if isinstance(data, str) else data)

# ---- IDX
def images(n, r, c, fill=7):
    return struct.pack('>IIII', 0x803, n, r, c) + bytes([fill]) * (n * r * c)
def labels(n):
    return struct.pack('>II', 0x801, n) + bytes(i % 10 for i in range(n))
idx = 'data/IdxFuzzTestInputs/idxFile'
put(idx, 'images-ok', images(3, 4, 4))
put(idx, 'labels-ok', labels(5))
put(idx, 'images-gz-ok', gzip.compress(images(3, 4, 4)))
put(idx, 'gz-trailing-bytes', gzip.compress(images(2, 4, 4)) + b'garbage!')
put(idx, 'gz-two-members', gzip.compress(images(1, 2, 2)[:10]) + gzip.compress(images(1, 2, 2)[10:]))
put(idx, 'gz-truncated', gzip.compress(images(3, 4, 4))[:-6])
put(idx, 'gz-bad-crc', gzip.compress(images(3, 4, 4))[:-8] + b'\0\0\0\0' + gzip.compress(images(3, 4, 4))[-4:])
put(idx, 'gz-bomb-header', gzip.compress(struct.pack('>IIII', 0x803, 60000, 200, 200) + bytes(4096)))
put(idx, 'header-2gb', struct.pack('>IIII', 0x803, 2_000_000_000, 65536, 65536))
put(idx, 'header-over-cap', struct.pack('>IIII', 0x803, 100_000, 28, 28) + bytes(64))
put(idx, 'header-negative-dim', struct.pack('>IIII', 0x803, 0x80000000, 1, 1))
put(idx, 'images-extra-bytes', images(1, 2, 2) + b'x')
put(idx, 'images-truncated', images(2, 3, 3)[:-4])
put(idx, 'wrong-magic', struct.pack('>IIII', 0x802, 1, 1, 1))
put(idx, 'empty', b'')
put(idx, 'ndim-255', struct.pack('>I', 0x8ff) + bytes(16))

# ---- CSV
csv = 'data/CsvFuzzTestInputs/csvFile'
put(csv, 'ok', 'a,b,color,label\n' + ''.join(f'{i*0.5},{i%3},{"red" if i%2 else "blue"},{"cat" if i%3 else "dog"}\n' for i in range(12)))
put(csv, 'one-row', 'a,b,label\n1,2,0\n')
put(csv, 'two-rows', 'a,b,label\n1,2,0\n3,4,1\n')
put(csv, 'float-limit-column', 'a,b,label\n' + ''.join(f'{3e38 if i%2 else -3e38},{i},{i%2}\n' for i in range(8)))
put(csv, 'over-float', 'a,label\n1e39,1\n2,0\n')
put(csv, 'long-cell', 'a,label\n1,0\n"' + 'x' * 100_000 + '",1\n')
put(csv, 'wide', ','.join(f'c{i}' for i in range(5000)) + '\n' + ','.join('1' for _ in range(5000)) + '\n')
put(csv, 'ragged', 'a,b,label\n1,2,0\n1,2\n')
put(csv, 'unclosed-quote', 'a,label\n"1,0\n')
put(csv, 'duplicate-header', 'a,a,label\n1,2,0\n')
put(csv, 'nan', 'a,label\nNaN,0\n1,1\n')
put(csv, 'empty', '')
put(csv, 'header-only', 'a,b,label\n')
put(csv, 'gz-trailing', gzip.compress(b'a,label\n1,0\n2,1\n') + b'junk')
put(csv, 'not-utf8', b'a,label\n\xff\xfe,0\n1,1\n')
put(csv, 'utf16', 'a,label\n1,0\n'.encode('utf-16'))

# ---- safetensors
def st(header, data=b''):
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * (-len(h) % 8)
    return struct.pack('<Q', len(h)) + h + data
sf = 'io/SafeTensorsFuzzTestInputs/safetensorsFile'
ok = st({'__metadata__': {'format': 'pt'}, 'w': {'dtype': 'F32', 'shape': [2, 2], 'data_offsets': [0, 16]}}, bytes(16))
put(sf, 'ok', ok)
put(sf, 'trailing-data', ok + b'extra')
h = b'{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}} xyz'
put(sf, 'trailing-after-header-json', struct.pack('<Q', len(h)) + h + bytes(4))
h = b'{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}{}'
put(sf, 'second-object-in-header', struct.pack('<Q', len(h)) + h + bytes(4))
put(sf, 'header-not-object', struct.pack('<Q', 2) + b'[]')
put(sf, 'header-length-huge', struct.pack('<Q', 2**63 + 5) + b'{}')
put(sf, 'shape-overflow', st({'w': {'dtype': 'F32', 'shape': [65536, 65536], 'data_offsets': [0, 16]}}, bytes(16)))
put(sf, 'shape-over-cap', st({'w': {'dtype': 'F32', 'shape': [20000000], 'data_offsets': [0, 80000000]}}))
put(sf, 'overlap', st({'a': {'dtype': 'F32', 'shape': [2], 'data_offsets': [0, 8]}, 'b': {'dtype': 'F32', 'shape': [2], 'data_offsets': [4, 12]}}, bytes(12)))
put(sf, 'bad-dtype', st({'w': {'dtype': 'Q7', 'shape': [1], 'data_offsets': [0, 4]}}, bytes(4)))
put(sf, 'metadata-not-string', st({'__metadata__': {'lr': 0.1}}))
put(sf, 'duplicate-key', struct.pack('<Q', 16) + b'{"a":{},"a":{}} ')
put(sf, 'short', b'\x01\x02')

# ---- model spec
base = {"input_shape": [8], "layers": [{"type": "dense", "units": 4, "activation": "relu"},
        {"type": "batchnorm"}, {"type": "prelu"}, {"type": "dropout", "rate": 0.1},
        {"type": "dense", "units": 3, "activation": "softmax"}],
        "loss": "sparse_categorical_crossentropy", "optimizer": {"type": "adam", "lr": 0.01}}
b = json.dumps(base)
sp = 'train/ModelSpecFuzzTestInputs/specFile'
put(sp, 'ok', b)
put(sp, 'nested-1500', '{"input_shape":[8],"x":' + '[' * 1500 + ']' * 1500 + '}')
put(sp, 'long-key', '{"' + 'k' * 60_000 + '":1}')
put(sp, 'long-number', '{"input_shape":[' + '1' * 100_000 + ']}')
for name, units in [('units-1e12', '1e12'), ('units-1e400', '1e400'), ('units-int-max', '2147483647'),
                    ('units-3e6', '3000000'), ('units-fraction', '32.7'), ('units-negative', '-5')]:
    put(sp, name, b.replace('"units": 4', '"units": ' + units))
put(sp, 'input-1e12', b.replace('[8]', '[1e12]'))
put(sp, 'input-65536x65536', b.replace('[8]', '[65536, 65536]'))
put(sp, 'input-empty', b.replace('[8]', '[]'))
put(sp, 'optimizer-list', b.replace('{"type": "adam", "lr": 0.01}', '["adam"]'))
put(sp, 'optimizer-number', b.replace('{"type": "adam", "lr": 0.01}', '3'))
put(sp, 'initializer-params-string', b.replace('"activation": "relu"', '"activation": "relu", "kernel_initializer": "he_normal", "kernel_initializer_params": "x"'))
put(sp, 'trainable-string', b.replace('"activation": "relu"', '"activation": "relu", "trainable": "true"'))
put(sp, 'trailing-object', b + ' {}')
put(sp, 'trailing-garbage', b + ' xyz')
put(sp, 'utf16-bom', b.encode('utf-16'))
put(sp, 'utf16le-no-bom', b.encode('utf-16-le'))
put(sp, 'utf8-bom', b'\xef\xbb\xbf' + b.encode())
put(sp, 'not-utf8', b.encode().replace(b'relu', b're\xfflu'))
put(sp, 'a-list', '[1, 2]')
put(sp, 'empty', '')
put(sp, 'lr-schedule-number', b.replace('"loss"', '"lr_schedule": 5, "loss"'))
put(sp, 'lr-schedule-list', b.replace('"loss"', '"lr_schedule": [], "loss"'))
put(sp, 'metrics-object', b.replace('"loss"', '"metrics": {"a": 1}, "loss"'))
put(sp, 'wide-model', b.replace('[8]', '[100000]').replace('"units": 4', '"units": 1000'))

# ---- run directory: first byte 0 model.json, 1 training_state.json, 2 optimizer.safetensors
rd = 'cli/RunDirectoryFuzzTestInputs/runFile'
put(rd, 'model-json-list', b'\x00[1,2]')
put(rd, 'model-json-trailing', b'\x00{"spec": {}} {}')
put(rd, 'model-json-no-spec', b'\x00{"seed": 1}')
put(rd, 'model-json-spec-string', b'\x00{"spec": "x"}')
put(rd, 'model-json-utf16', b'\x00' + '{"spec": {}}'.encode('utf-16'))
put(rd, 'model-json-huge-units', b'\x00' + json.dumps({"spec": dict(base, layers=[{"type": "dense", "units": 2147483647}])}).encode())
put(rd, 'model-json-normalization-bad', b'\x00' + json.dumps({"spec": base, "normalization": {"kind": "z_score", "shift": [1], "scale": ["x"]}}).encode())
put(rd, 'state-list', b'\x01[]')
put(rd, 'state-epochs-overflow', b'\x01{"format": 1, "epochs_completed": 4294967298}')
put(rd, 'state-batch-zero', b'\x01{"epochs_completed": 1, "batch_size": 0}')
put(rd, 'state-not-json', b'\x01{{{')
put(rd, 'optimizer-empty', b'\x02')
put(rd, 'optimizer-momentum-nan', b'\x02' + st({'__metadata__': {'momentum': 'NaN', 'lr': '0.01'}}))
put(rd, 'optimizer-trailing', b'\x02' + ok + b'zz')
