"""Small class-based plugins for core tests: each test builds a fresh Registry with the ones it needs."""

from __future__ import annotations

import os
import time
from pathlib import Path

from specialist_hub import Example, InputError, InputKind, Model, ModelSpec, Option, OutputField, Pipeline, Step, hookimpl
from specialist_hub.spec import parse_option_pairs
from specialist_hub.writers import OutputFormat, Writer


class WordLength(Model):
    """Counts the letters of a word; 'boom' crashes forward, to test batch isolation."""

    def preprocess(self, value):
        if not isinstance(value, str) or not value.isalpha():
            raise InputError(f"not a word: {value!r}")
        return value

    def forward(self, batch):
        if "boom" in batch:
            raise RuntimeError("forward exploded")
        scale = self.options["scale"]
        return [{"letters": len(word) * scale, "upper": word.upper()} for word in batch]


class WrongFields(Model):
    def forward(self, batch):
        return [{"unexpected": 1} for _ in batch]


def text_spec(name="length", factory="hub_test_plugins:WordLength", **fields):
    defaults = dict(
        id=f"test/{name}", task="count", summary="Letters in a word", input_kind="text",
        outputs=(OutputField("letters", "int", "Letter count"), OutputField("upper", "str", "Upper case")),
        factory=factory, license="MIT", citation="none",
        options=(Option("scale", "int", 1, "Multiply the count", stage="call"),
                 Option("word_list", "str", "", "A file of words on the host (unused)", host="path")),
        examples=(Example("hello", {"letters": 5}),),
    )
    defaults.update(fields)
    return ModelSpec(**defaults)


class LengthPlugin:
    @hookimpl
    def register_models(self, register):
        register(text_spec(default=True, batch_size=2))
        register(text_spec("wrong", factory="hub_test_plugins:WrongFields"))
        register(text_spec("needs-missing", requires=("no_such_module_xyz",),
                           install_hint='pip install "specialist-hub[xyz]"'))
        register(text_spec("drifting", examples=(Example("hello", {"letters": 6, "upper": "HELLO"}),)))


class DuplicatePlugin:
    @hookimpl
    def register_models(self, register):
        register(text_spec())


class BrokenPlugin:
    @hookimpl
    def register_models(self, register):
        register(text_spec("first-of-broken"))
        raise RuntimeError("registration failed on purpose")


class WordKind(InputKind):
    """A plugin-provided input kind: whitespace-separated words, read from .words files."""

    name = "word"
    description = "Words, one record per whitespace-separated token"
    readers = {".words": "read_words"}

    def read_words(self, path, options):
        for token in path.read_text().split():
            yield token, None


class WordKindPlugin:
    @hookimpl
    def register_input_kinds(self, register):
        register(WordKind())


class WordModelPlugin:
    """Registers a model on the ``word`` kind that WordKindPlugin provides."""

    @hookimpl
    def register_models(self, register):
        register(text_spec("on-words", input_kind="word"))


class CountsLoads(WordLength):
    """WordLength that counts how often its weights are 'loaded', across instances."""

    loads = 0

    def load(self):
        type(self).loads += 1


class NonFinite(Model):
    """Returns numbers JSON has no token for: NaN and both infinities."""

    def forward(self, batch):
        return [{"value": float("nan"), "values": [float("inf"), 1.5, float("-inf")], "nested": {"x": float("nan")}}
                for _ in batch]


class NonFinitePlugin:
    @hookimpl
    def register_models(self, register):
        register(ModelSpec(
            id="test/non-finite", task="numbers", summary="NaN and infinities", input_kind="text",
            factory="hub_test_plugins:NonFinite", license="MIT", citation="none",
            outputs=(OutputField("value", "float", "NaN"), OutputField("values", "list", "infinities"),
                     OutputField("nested", "dict", "NaN inside a dict"))))


class Crashes(WordLength):
    """WordLength whose native code 'crashes' on the word crash (a real SIGSEGV of its process),
    and which, for the word wait, writes its process id to $HUB_TEST_PID_FILE and sleeps."""

    def forward(self, batch):
        import os
        import signal
        import time

        if "crash" in batch:
            os.kill(os.getpid(), signal.SIGSEGV)
        if "wait" in batch:
            with open(os.environ["HUB_TEST_PID_FILE"], "w") as handle:
                handle.write(str(os.getpid()))
            time.sleep(60)
        return super().forward(batch)


class CrashPlugin:
    @hookimpl
    def register_models(self, register):
        register(text_spec("crashes", factory="hub_test_plugins:Crashes", default=True))


class Splits(Model):
    """Splits a sentence into its words (a list field a pipeline can fan out over)."""

    def forward(self, batch):
        return [{"words": sentence.split(), "count": len(sentence.split())} for sentence in batch]


class CountsCalls(WordLength):
    """WordLength that counts its forward calls and the items they carried, across instances."""

    calls: list[int] = []

    def forward(self, batch):
        type(self).calls.append(len(batch))
        return super().forward(batch)


class SentencePlugin:
    @hookimpl
    def register_models(self, register):
        register(ModelSpec(
            id="test/split", task="split", summary="Words of a sentence", input_kind="text",
            factory="hub_test_plugins:Splits", license="MIT", citation="none",
            outputs=(OutputField("words", "list", "The words"), OutputField("count", "int", "How many"))))
        register(text_spec("counted", factory="hub_test_plugins:CountsCalls", batch_size=100))


class FailsToLoad(WordLength):
    def load(self):
        raise RuntimeError("weights file is corrupt")


class FailingLoadPlugin:
    @hookimpl
    def register_models(self, register):
        register(text_spec("broken-load", factory="hub_test_plugins:FailsToLoad"))


class TrustedLength(Model):
    """Word length as a 'learned' float with an interval and a domain: words sharing letters with
    'hello' are in domain; 'xyzzy' breaks the similarity search, to test trust isolation."""

    def forward(self, batch):
        return [{"length": float(len(word))} for word in batch]

    def calibration_residuals(self, field):
        return [0.5 * k for k in range(1, 10)]

    def domain_similarities(self, items):
        if "xyzzy" in items:
            raise RuntimeError("similarity search exploded")
        return [len(set(word) & set("hello")) / len(set(word) | set("hello")) for word in items]

    domain_threshold = 0.5


class DistantLength(Model):
    """Word length whose domain is a distance read from the outputs: words of 3 to 7 letters are in."""

    def forward(self, batch):
        return [{"length": float(len(word))} for word in batch]

    def domain_distances(self, items, outputs):
        return [abs(output["length"] - 5) for output in outputs]

    domain_threshold = 2.0


class TrustPlugin:
    @hookimpl
    def register_models(self, register):
        register(text_spec("trusted", factory="hub_test_plugins:TrustedLength", batch_size=8,
                           outputs=(OutputField("length", "float", "Letters"),), intervals=("length",),
                           applicability_domain=True, examples=()))
        register(text_spec("distant", factory="hub_test_plugins:DistantLength", batch_size=8,
                           outputs=(OutputField("length", "float", "Letters"),), applicability_domain=True,
                           domain_measure="distance", examples=()))


class RunsAnother(Model):
    """Letters of each word as counted by the text model its ``model`` option names (a delegating model,
    as video/frames is for image models), loaded through the loader the registry hands it."""

    def forward(self, batch):
        inner = self.loader.load(self.options["model"], **parse_option_pairs(self.options["model_options"]))
        return [{"letters": p.output["letters"], "upper": p.output["upper"]} for p in inner.predict(batch)]


class DelegatePlugin:
    """A delegating model, a non-commercial model it may be pointed at, and a pipeline running the former."""

    @hookimpl
    def register_models(self, register):
        register(text_spec("free"))
        register(text_spec("research-only", commercial_use=False, license="CC-BY-NC-4.0 (weights)"))
        register(text_spec("runs-another", factory="hub_test_plugins:RunsAnother", options=(
            Option("model", "str", "test/free", "The text model to run", stage="call", runs="text"),
            Option("model_options", "str", "", "Its options, KEY=VALUE,...", stage="call", options_for="model"))))

    @hookimpl
    def register_pipelines(self, register):
        register(Pipeline("test/delegating-job", "A job whose step runs another model",
                          steps=(Step("count", "test/runs-another"),)))


# -- models of the predict-path and server-limit tests (importable here by a worker process) --

class FileSize(Model):
    """An image-kind model that reports each file's size in bytes (the files need not be images)."""

    def preprocess(self, value):
        if not os.path.isfile(value):
            raise InputError(f"{value}: no such file")
        return value

    def forward(self, batch):
        return [{"bytes": os.path.getsize(path)} for path in batch]


class Annotates(WordLength):
    """WordLength that writes each word into its ``annotate_dir`` (as the vision models draw there)."""

    def forward(self, batch):
        folder = Path(self.options["annotate_dir"])
        for word in batch:
            (folder / f"{word}.txt").write_text(word)
        return super().forward(batch)


class LogsLoads(WordLength):
    """WordLength that logs, in $HUB_TEST_LOAD_LOG, each time the registry hands it out (Registry.load)."""

    def configured(self, call_options):
        with open(os.environ["HUB_TEST_LOAD_LOG"], "a") as handle:
            handle.write(f"{os.getpid()}\n")
        return super().configured(call_options)


class PathPlugin:
    @hookimpl
    def register_models(self, register):
        register(ModelSpec(id="test/file-size", task="size", summary="Bytes of a file", input_kind="image",
                           factory="hub_test_plugins:FileSize", license="MIT", citation="none",
                           outputs=(OutputField("bytes", "int", "File size"),)))
        register(ModelSpec(
            id="test/logs-loads", task="count", summary="Letters", input_kind="text",
            factory="hub_test_plugins:LogsLoads", license="MIT", citation="none",
            outputs=(OutputField("letters", "int", "Letter count"), OutputField("upper", "str", "Upper case")),
            options=(Option("scale", "int", 1, "Multiply the count", stage="call"),)))
        register(ModelSpec(
            id="test/annotates", task="count", summary="Letters, written into a folder", input_kind="text",
            factory="hub_test_plugins:Annotates", license="MIT", citation="none",
            outputs=(OutputField("letters", "int", "Letter count"), OutputField("upper", "str", "Upper case")),
            options=(Option("scale", "int", 1, "Multiply the count", stage="call"),
                     Option("annotate_dir", "str", "", "Folder for the words", stage="call", host="path"))))


class WritesFile(Model):
    """Writes each word into the server's output folder and returns the file's path."""

    def preprocess(self, value):
        if value == "fail":
            raise InputError(f"cannot write into {self.options['output_dir']}")
        return value

    def forward(self, batch):
        paths = []
        for word in batch:
            path = Path(self.options["output_dir"]) / f"{word}.txt"
            path.write_text(word)
            paths.append({"path": str(path), "paths": [str(path)]})
        return paths


class Hangs(Model):
    """Counts letters, but hangs for a minute on "hang": work that only killing can stop in time."""

    def forward(self, batch):
        if "hang" in batch:
            time.sleep(60)
        return [{"letters": len(word), "upper": word.upper()} for word in batch]


class EventsWriter(Writer):
    """A format for models that have an ``events`` output (as SRT is for timed speech)."""

    fields = ("events",)

    def write(self, prediction):
        self.stream.write(f"{prediction.output}\n")


class ServerPlugin:
    @hookimpl
    def register_models(self, register):
        register(text_spec("writes", factory="hub_test_plugins:WritesFile",
                           outputs=(OutputField("path", "str", "The file written"),
                                    OutputField("paths", "list", "The files written")),
                           options=(Option("output_dir", "str", "", "Folder of the files", stage="call",
                                           host="output_dir"),)))
        register(text_spec("hangs", factory="hub_test_plugins:Hangs", options=()))
        register(text_spec("targeted", factory="hub_test_plugins:WordLength",
                           options=(Option("scale", "int", 1, "Multiply the count", stage="call"),
                                    Option("target", "str", "", "A large call option", stage="call"))))

    @hookimpl
    def register_output_formats(self, register):
        register(OutputFormat("events", (".events",), "hub_test_plugins:EventsWriter", "Events of test models"))
