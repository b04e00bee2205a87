"""Map a function over work items in processes that share one large read-only state.

The state (every text, or every document's shingles and the search index) reaches each worker once,
as the pool starts: where workers fork (Linux before Python 3.14) they inherit it without pickling;
elsewhere it is pickled once per worker rather than once per task.
"""

from __future__ import annotations

import functools
import multiprocessing
from collections.abc import Callable, Sequence
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


def _apply(function: Callable[[Any, Item], Result], item: Item) -> Result:
    return function(_shared, item)
