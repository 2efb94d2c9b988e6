"""What a sentence means, as a vector: BAAI's bge-small-zh v1.5 (MIT), quantised to ONNX, run
in-process. Two texts mean alike when their vectors' dot product is high: a reader's 有怨气 and
a case's 群众意见大 share no word but lie close.

The model's files are fetched by make (README, "How cadres ask", item 7); without them, or when
they cannot be loaded, `model()` is None and search goes on by words alone.
"""

import hashlib
import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
# The model card's instruction for a short query matched against passages.
QUERY_INSTRUCTION = "为这个句子生成表示以用于检索相关文章："
MAX_TOKENS = 512
# A sentence shorter than this says too little to be matched by meaning (headings' 一、背景).
MIN_SENTENCE_LENGTH = 6
SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])")

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_model_dir = None


def sentences(text):
    """The sentences of `text` long enough to be matched by meaning, in order, each once."""
    found = (part.strip() for part in SENTENCE_END.split(text or ""))
    return list(dict.fromkeys(part for part in found if len(part) >= MIN_SENTENCE_LENGTH))


class Model:
    """The ONNX model and its tokenizer; `vectors` gives unit vectors, one row a text."""

    def __init__(self, folder):
        # Imported here: a process that never matches by meaning never loads the runtime.
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        # One thread a call: a web process serves one request a thread on a small machine.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(Path(folder) / MODEL_FILE), options, providers=["CPUExecutionProvider"]
        )
        self.inputs = {item.name for item in self.session.get_inputs()}
        self.tokenizer = Tokenizer.from_file(str(Path(folder) / TOKENIZER_FILE))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.dimensions = self.session.get_outputs()[0].shape[-1]
        files = hashlib.sha1()
        for name in (MODEL_FILE, TOKENIZER_FILE):
            files.update((Path(folder) / name).read_bytes())
        self.identity = files.hexdigest()

    def digest(self, sentence):
        """A sentence's key: its vector is computed once, whichever cases say it, and again only
        by another model (files of another identity)."""
        return hashlib.sha1(f"{self.identity}\n{sentence}".encode()).hexdigest()

    def vectors(self, texts):
        # One text a run, not batches: the quantised model's activations are scaled by what a
        # batch holds, so a padded sentence would come out a little different each time.
        rows = [self._vector(text) for text in texts]
        return np.vstack(rows) if rows else np.zeros((0, self.dimensions), dtype=np.float32)

    def _vector(self, text):
        encoded = self.tokenizer.encode(text)
        feed = {
            "input_ids": np.array([encoded.ids], dtype=np.int64),
            "attention_mask": np.array([encoded.attention_mask], dtype=np.int64),
        }
        if "token_type_ids" in self.inputs:
            feed["token_type_ids"] = np.array([encoded.type_ids], dtype=np.int64)
        first = self.session.run(None, feed)[0][0, 0]  # the model card pools by the first token
        return (first / np.linalg.norm(first)).astype(np.float32)

    def query_vector(self, text):
        return self.vectors([QUERY_INSTRUCTION + text])[0]


def use(folder):
    """Read the model from `folder` (when first needed)."""
    global _model_dir
    _model_dir = Path(folder) if folder else None
    _loaded.cache_clear()


def available():
    return _model_dir is not None and (_model_dir / MODEL_FILE).is_file() and (_model_dir / TOKENIZER_FILE).is_file()


def model():
    """The model, loaded once a process; None where its files are not there or cannot be loaded."""
    if not available():
        return None
    with _lock:
        return _loaded(_model_dir)


@lru_cache(maxsize=1)
def _loaded(folder):
    try:
        return Model(folder)
    except Exception:  # noqa: BLE001 - no runtime, a broken file: remembered, not retried each search
        logger.exception("无法读取语义模型 %s：搜索只按词语匹配。", folder)
        return None
