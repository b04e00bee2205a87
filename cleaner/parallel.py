"""Work spread over processes: `Shards` for the cleaning passes, `map_shared` for dedup, `Background` for
one task beside them.

Each hands its processes their data once, as they start: where they fork (Linux before Python 3.14) they
inherit it without pickling; elsewhere it is pickled once per worker rather than once per task.
"""

from __future__ import annotations

import bisect
import collections
import contextlib
import functools
import gc
import itertools
import multiprocessing
import pickle
import signal
import time
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# The state of this process when it is a pool worker, set by `_receive` as the worker starts.
_shared: Any = None


def map_shared(
    function: Callable[[Any, Item], Result], state: Any, items: Sequence[Item], num_proc: int = 1
) -> list[Result]:
    """`[function(state, item) for item in items]`, computed by `num_proc` processes (this one included)
    when there are at least two items for each; `function` must be defined at module level.

    This process takes the first `1 / num_proc` of the items itself instead of idling while it waits:
    one process fewer to start, and its share's results are never pickled (the sketches of a corpus are
    about twice the size of its text).

    >>> map_shared(divmod, 7, [2, 3], num_proc=1)
    [(3, 1), (2, 1)]
    """
    if num_proc <= 1 or len(items) < 2 * num_proc:
        return [function(state, item) for item in items]
    own = len(items) // num_proc
    with multiprocessing.Pool(num_proc - 1, initializer=_receive, initargs=(state,)) as pool:
        others = pool.map_async(functools.partial(_apply, function), items[own:])
        return [function(state, item) for item in items[:own]] + others.get()


def chunks(count: int, num_proc: int) -> list[range]:
    """Consecutive index ranges covering `range(count)`, four per process, so that a slow chunk does not
    leave the other processes idle for long.

    >>> chunks(9, 1)
    [range(0, 2), range(2, 4), range(4, 6), range(6, 8), range(8, 9)]
    """
    step = max(1, count // (4 * max(1, num_proc)))
    return [range(start, min(start + step, count)) for start in range(0, count, step)]


def _receive(state: Any) -> None:
    global _shared
    _shared = state
    _leave_interrupts_to_the_parent()


def _apply(function: Callable[[Any, Item], Result], item: Item) -> Result:
    return function(_shared, item)


class Shards:
    """Parts of the work, each kept by one worker process from the first pass to the last.

    A pass runs `function(part, *args, tick=...)` on every part at once; the function returns the part
    for the next pass and a report, and only the reports travel until `gather` collects the parts. The
    cleaning passes are separated by corpus-wide counts, but no document needs another's text, so the
    documents stay where they are: shipping them to a pool and back cost 0.8 s a pass at 40 MB, mostly
    their edit records. `tick(n)` moves the progress bar by `n`; workers send their ticks at most ten
    times a second. This process only coordinates, so between `submit` and `collect` it is free for
    work of its own. Passes queue: `collect` gives the reports of the oldest pass not yet collected, so a
    worker can start the next pass while this process is still receiving the reports of the last.

    `initializer()`, if given, runs in each worker as it starts (never in this process). One part runs in
    this process, and no worker is started. Use it as a context manager: leaving stops the workers.

    >>> with Shards([[1, 2, 3]]) as shards:
    ...     shards.run(lambda part, tick: ([n * 2 for n in part], sum(part)))
    ...     shards.gather()
    [6]
    [[2, 4, 6]]
    """

    def __init__(
        self,
        parts: list,
        progress: Callable[[int], Any] | None = None,
        initializer: Callable[[], Any] | None = None,
    ) -> None:
        self._progress = progress or (lambda n: None)
        self._local: list = parts if len(parts) == 1 else []
        self._local_reports: collections.deque = collections.deque()
        self._workers: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []
        context = multiprocessing.get_context("fork")
        for part in parts if len(parts) > 1 else []:
            ours, theirs = context.Pipe()
            worker = context.Process(target=_serve, args=(theirs, part, initializer), daemon=True)
            worker.start()
            theirs.close()
            self._workers.append((worker, ours))

    def submit(self, function: Callable, *args: Any) -> None:
        """Start a pass, after the passes already submitted; `collect` waits for its reports."""
        if self._local:
            self._local[0], report = function(self._local[0], *args, tick=self._tick)
            self._local_reports.append(report)
        for _, connection in self._workers:
            connection.send((function, args))

    def collect(self) -> list:
        """The reports of the oldest pass not yet collected, in part order."""
        return [self._local_reports.popleft()] if self._local else self._answers()

    def run(self, function: Callable, *args: Any) -> list:
        """A whole pass: its reports, in part order."""
        self.submit(function, *args)
        return self.collect()

    def gather(self) -> list:
        """Every part, in order."""
        if self._local:
            return list(self._local)
        for _, connection in self._workers:
            connection.send(_SEND_PART)
        # Unpickling a million objects (texts, edits) triggers the cyclic collector again and again, each
        # time walking everything already received: pausing it made receiving 40 MB of documents 3x faster.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._answers()
        finally:
            if collecting:
                gc.enable()

    def _tick(self, n: int = 1) -> None:
        self._progress(n)

    def _answers(self) -> list:
        answers: dict[Connection, tuple[str, Any]] = {}
        connections = [connection for _, connection in self._workers]
        while pending := [c for c in connections if c not in answers]:
            for connection in wait(pending):
                try:
                    kind, value = _receive_message(connection)
                except EOFError:
                    raise RuntimeError("a cleaning worker stopped unexpectedly") from None
                if kind == "tick":
                    self._progress(value)
                else:
                    answers[connection] = (kind, value)
        for kind, value in (answers[connection] for connection in connections):
            if kind == "error":
                raise value
        return [answers[connection][1] for connection in connections]

    def __enter__(self) -> Shards:
        return self

    def __exit__(self, error_type: type | None, *exc_info: object) -> None:
        for worker, connection in self._workers:
            if error_type is not None:
                worker.terminate()
            else:
                # Say so: closing our end is not enough, since workers forked later hold copies of it.
                with contextlib.suppress(OSError):  # a worker that has already gone
                    connection.send(None)
            connection.close()
            worker.join()


class Background:
    """`function(*args)` computed in a process of its own, started now; `result()` waits for it.

    For work whose libraries this process never needs: they load there, where a core would otherwise
    idle, and not here (`cleaner.cli.build_command` has datasketch load so while it imports the rest).
    Errors in `function` are raised by `result()`.

    >>> Background(divmod, 7, 2).result()
    (3, 1)
    """

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        self._name = getattr(function, "__name__", "a background task")
        context = multiprocessing.get_context("fork")
        self._connection, theirs = context.Pipe(duplex=False)
        self._process = context.Process(target=_compute, args=(theirs, function, args), daemon=True)
        self._process.start()
        theirs.close()
        self._answer: tuple[str, Any] | None = None

    def result(self) -> Any:
        if self._answer is None:
            try:
                self._answer = self._connection.recv()
            except EOFError:
                self._answer = (
                    "error",
                    RuntimeError(f"the process computing {self._name} stopped unexpectedly"),
                )
            self._connection.close()
            self._process.join()
        kind, value = self._answer
        if kind == "error":
            raise value
        return value


def _compute(connection: Connection, function: Callable, args: tuple) -> None:
    _leave_interrupts_to_the_parent()
    try:
        answer = ("result", function(*args))
    except Exception as error:  # raised again in the parent
        answer = ("error", _portable(error))
    connection.send(answer)
    connection.close()


def even_split(sizes: Sequence[int], parts: int) -> list[range]:
    """At most `parts` consecutive index ranges whose summed sizes are as even as cuts between items allow.

    >>> even_split([5, 1, 1, 1, 1, 1], 2)
    [range(0, 1), range(1, 6)]
    """
    prefix = list(itertools.accumulate(sizes, initial=0))  # prefix[i]: the size of items[:i]
    cuts = [0]
    for k in range(1, parts):
        target = prefix[-1] * k / parts
        cut = bisect.bisect_left(prefix, target)
        if cut > 0 and target - prefix[cut - 1] <= prefix[cut] - target:
            cut -= 1
        cuts.append(min(max(cut, cuts[-1] + 1), len(sizes)))  # a part for every process while items last
    cuts.append(len(sizes))
    return [range(start, end) for start, end in itertools.pairwise(cuts) if end > start]


_SEND_PART = "send part"  # a worker's task that asks for its part rather than run a pass


def _serve(connection: Connection, part: Any, initializer: Callable[[], Any] | None) -> None:
    """A worker's loop: run each pass on its part and answer with the report; send the part when asked."""
    _leave_interrupts_to_the_parent()
    if initializer is not None:
        initializer()
    # No cyclic garbage collection here: a worker holds a million long-lived objects (its documents and
    # their edits), which every full collection walked again, and the passes make no cycles to speak of
    # (reference counting frees each pass's replaced documents). 0.3-0.5 s of CPU per build at 40 MB,
    # with the same peak memory.
    gc.disable()
    ticker = _Ticker(connection)
    try:
        while True:
            task = connection.recv()
            if task is None:
                return
            if task == _SEND_PART:
                _send_message(connection, ("part", part))
                continue
            function, args = task
            try:
                part, report = function(part, *args, tick=ticker)
            except Exception as error:  # raised again in the parent: a worker never fails silently
                _send_message(connection, ("error", _portable(error)))
                continue
            ticker.flush()
            _send_message(connection, ("report", report))
            del report  # sent: its memory (dedup's sketches, say) is not needed here any more
    except (EOFError, BrokenPipeError):  # the parent has closed the pipe (done, or given up)
        return


def _send_message(connection: Connection, message: Any) -> None:
    """Send `message` to `_receive_message` at the other end, its large buffers (NumPy arrays, Arrow
    columns) out of band: written to the pipe from where they lie rather than copied into the pickle
    first, and taken as they arrive rather than copied out of it. For a worker's 47 MB of shingle hashes
    that halved the time to send and receive them (0.23 -> 0.11 s) and the page faults of receiving.
    """
    buffers: list[pickle.PickleBuffer] = []
    data = pickle.dumps(message, protocol=5, buffer_callback=buffers.append)
    connection.send((len(buffers), data))
    for buffer in buffers:
        connection.send_bytes(buffer.raw())


def _receive_message(connection: Connection) -> Any:
    """What `_send_message` sent. Its arrays are read-only: they keep the bytes they arrived in."""
    count, data = connection.recv()
    return pickle.loads(data, buffers=[connection.recv_bytes() for _ in range(count)])


def _leave_interrupts_to_the_parent() -> None:
    # Ctrl-C reaches every process of the terminal's group; the parent stops the workers itself, so a
    # worker ignores it rather than print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _Ticker:
    def __init__(self, connection: Connection, interval: float = 0.1) -> None:
        self._connection, self._interval = connection, interval
        self._count, self._sent = 0, time.monotonic()

    def __call__(self, n: int = 1) -> None:
        self._count += n
        if time.monotonic() - self._sent >= self._interval:
            self.flush()

    def flush(self) -> None:
        if self._count:
            _send_message(self._connection, ("tick", self._count))
        self._count, self._sent = 0, time.monotonic()


def _portable(error: Exception) -> Exception:
    """The error itself if it survives pickling, else a RuntimeError carrying its traceback."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError("".join(traceback.format_exception(error)))
    return error
