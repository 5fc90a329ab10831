"""ONNX inference sessions on onnxruntime's shared library, the one the specialists already run on.

The onnxruntime wheel carries its runtime twice: ``libonnxruntime.so``, which onnxruntime-genai loads for
the specialists, and the Python binding (``onnxruntime_pybind11_state``), which links a copy of its own.
A process that imports both holds two copies of the runtime's code and two sets of its globals: importing
the binding alone measured 17 MiB of resident memory beside the loaded specialists (2-core x86-64 VM).
The router and the voice detector are small fixed graphs fed numpy arrays, so they run here, through
the runtime's C API (``onnxruntime_c_api.h``) with ctypes, on the library already in the process.

Only plain tensors in and out (floats, integers, booleans). :func:`open_session` falls back to the
Python binding for execution providers other than the CPU (a Jetson's CUDA, say), whose availability
that package's build decides, and where the shared library cannot be found.
"""

from __future__ import annotations

import ctypes
import functools
import importlib.util
import logging
import math
import sys
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final, Protocol

import numpy as np

logger = logging.getLogger(__name__)

#: The version of the function table asked for. The table only ever grows, and every function used here
#: is in version 13 (onnxruntime 1.13) and later.
API_VERSION: Final[int] = 13
CPU: Final[str] = "CPUExecutionProvider"

_P = ctypes.c_void_p
_PP = ctypes.POINTER(ctypes.c_void_p)
_SIZE = ctypes.c_size_t
_INT = ctypes.c_int
# The model path is a char string everywhere but Windows, where it is wide.
_PATH = ctypes.c_wchar_p if sys.platform == "win32" else ctypes.c_char_p

#: Slot in ``struct OrtApi``, return type and arguments of each function used (onnxruntime_c_api.h). A
#: ``_P`` return is an ``OrtStatus*``: null on success.
_FUNCTIONS: Final[dict[str, tuple[int, Any, tuple[Any, ...]]]] = {
    "GetErrorMessage": (2, ctypes.c_char_p, (_P,)),
    "CreateEnv": (3, _P, (_INT, ctypes.c_char_p, _PP)),
    "CreateSession": (7, _P, (_P, _PATH, _P, _PP)),
    "Run": (9, _P, (_P, _P, ctypes.POINTER(ctypes.c_char_p), _PP, _SIZE, ctypes.POINTER(ctypes.c_char_p), _SIZE, _PP)),
    "CreateSessionOptions": (10, _P, (_PP,)),
    "SetSessionExecutionMode": (13, _P, (_P, _INT)),
    "DisableCpuMemArena": (19, _P, (_P,)),
    "SetSessionLogSeverityLevel": (22, _P, (_P, _INT)),
    "SetSessionGraphOptimizationLevel": (23, _P, (_P, _INT)),
    "SetIntraOpNumThreads": (24, _P, (_P, _INT)),
    "SetInterOpNumThreads": (25, _P, (_P, _INT)),
    "SessionGetInputCount": (30, _P, (_P, ctypes.POINTER(_SIZE))),
    "SessionGetOutputCount": (31, _P, (_P, ctypes.POINTER(_SIZE))),
    "SessionGetInputName": (36, _P, (_P, _SIZE, _P, _PP)),
    "SessionGetOutputName": (37, _P, (_P, _SIZE, _P, _PP)),
    "CreateTensorWithDataAsOrtValue": (49, _P, (_P, _P, _SIZE, ctypes.POINTER(ctypes.c_int64), _SIZE, _INT, _PP)),
    "GetTensorMutableData": (51, _P, (_P, _PP)),
    "GetTensorElementType": (60, _P, (_P, ctypes.POINTER(_INT))),
    "GetDimensionsCount": (61, _P, (_P, ctypes.POINTER(_SIZE))),
    "GetDimensions": (62, _P, (_P, ctypes.POINTER(ctypes.c_int64), _SIZE)),
    "GetTensorTypeAndShape": (65, _P, (_P, _PP)),
    "CreateCpuMemoryInfo": (69, _P, (_INT, _INT, _PP)),
    "AllocatorFree": (76, _P, (_P, _P)),
    "GetAllocatorWithDefaultOptions": (78, _P, (_PP,)),
    "ReleaseStatus": (93, None, (_P,)),
    "ReleaseSession": (95, None, (_P,)),
    "ReleaseValue": (96, None, (_P,)),
    "ReleaseTensorTypeAndShapeInfo": (99, None, (_P,)),
    "ReleaseSessionOptions": (100, None, (_P,)),
    "AddSessionConfigEntry": (130, _P, (_P, ctypes.c_char_p, ctypes.c_char_p)),
}

#: ONNXTensorElementDataType for each numpy type a tensor may have here.
_ELEMENT_TYPES: Final[dict[np.dtype[Any], int]] = {
    np.dtype(np.float32): 1,
    np.dtype(np.uint8): 2,
    np.dtype(np.int8): 3,
    np.dtype(np.int32): 6,
    np.dtype(np.int64): 7,
    np.dtype(np.bool_): 9,
    np.dtype(np.float16): 10,
    np.dtype(np.float64): 11,
}
_DTYPES: Final[dict[int, np.dtype[Any]]] = {code: dtype for dtype, code in _ELEMENT_TYPES.items()}

_LOG_ERROR: Final[int] = 3  # ORT_LOGGING_LEVEL_ERROR
#: A session's failures come back as exceptions; onnxruntime's own log lines would say it twice on stderr.
_LOG_FATAL: Final[int] = 4  # ORT_LOGGING_LEVEL_FATAL
_SEQUENTIAL: Final[int] = 0  # ORT_SEQUENTIAL
_ENABLE_ALL: Final[int] = 99  # ORT_ENABLE_ALL
_DEVICE_ALLOCATOR: Final[int] = 0  # OrtDeviceAllocator
_MEM_DEFAULT: Final[int] = 0  # OrtMemTypeDefault


class OrtError(RuntimeError):
    """onnxruntime refused a model, an input or a call; the message is onnxruntime's own."""


class Session(Protocol):
    """What the router and the voice detector need of a session: ``run``, as onnxruntime's binding has it."""

    def run(self, output_names: Sequence[str] | None, input_feed: Mapping[str, Any]) -> list[Any]: ...


def library_path() -> Path | None:
    """The onnxruntime shared library inside the installed onnxruntime package, if it ships one."""
    spec = importlib.util.find_spec("onnxruntime")
    if spec is None or not spec.submodule_search_locations:
        return None
    capi = Path(next(iter(spec.submodule_search_locations))) / "capi"
    pattern = {"win32": "onnxruntime.dll", "darwin": "libonnxruntime*.dylib"}.get(sys.platform, "libonnxruntime.so*")
    found = sorted(capi.glob(pattern))
    return found[0] if found else None


class _Api:
    """The C API's function table, each function typed, and the calls that turn a status into an error."""

    def __init__(self, path: Path) -> None:
        # Loading a library that onnxruntime-genai has already loaded returns that same copy.
        library = ctypes.CDLL(str(path), mode=getattr(ctypes, "RTLD_GLOBAL", 0))
        library.OrtGetApiBase.restype = ctypes.POINTER(_P)
        base = library.OrtGetApiBase()
        get_api = ctypes.CFUNCTYPE(_P, ctypes.c_uint32)(base[0])
        get_version = ctypes.CFUNCTYPE(ctypes.c_char_p)(base[1])
        self.version = (get_version() or b"?").decode()
        table = get_api(API_VERSION)
        if not table:
            raise OrtError(f"{path} (onnxruntime {self.version}) does not offer version {API_VERSION} of its C API")
        slots = ctypes.cast(table, ctypes.POINTER(_P))
        self._functions = {
            name: ctypes.CFUNCTYPE(restype, *argtypes)(slots[index])
            for name, (index, restype, argtypes) in _FUNCTIONS.items()
        }
        env = _P()
        self.check("CreateEnv", _LOG_ERROR, b"edge-assistant", ctypes.byref(env))
        # The environment is the process's one (onnxruntime-genai's, when it made it first): never released.
        self.env = env
        memory = _P()
        self.check("CreateCpuMemoryInfo", _DEVICE_ALLOCATOR, _MEM_DEFAULT, ctypes.byref(memory))
        self.cpu_memory = memory
        allocator = _P()
        self.check("GetAllocatorWithDefaultOptions", ctypes.byref(allocator))
        self.allocator = allocator

    def call(self, name: str, *args: Any) -> Any:
        return self._functions[name](*args)

    def check(self, name: str, *args: Any) -> None:
        """Call a function that returns a status; raise its message as an :class:`OrtError`."""
        status = self._functions[name](*args)
        if status:
            message = (self._functions["GetErrorMessage"](status) or b"").decode(errors="replace")
            self._functions["ReleaseStatus"](status)
            raise OrtError(message)


@functools.cache
def _api() -> _Api | None:
    path = library_path()
    if path is None:
        return None
    try:
        return _Api(path)
    except (OSError, AttributeError, OrtError) as error:
        logger.warning("onnxruntime's shared library %s is unusable (%s); using its Python binding", path, error)
        return None


class OrtSession:
    """One model loaded through the C API. ``run`` is safe from several threads at once, as in onnxruntime."""

    def __init__(self, path: Path, *, threads: int = 1, config: Mapping[str, str] | None = None) -> None:
        api = _api()
        if api is None:
            raise OrtError("onnxruntime's shared library was not found in the onnxruntime package")
        if threads < 1:
            raise ValueError(f"threads must be at least 1, not {threads}")
        self._api = api
        options = _P()
        api.check("CreateSessionOptions", ctypes.byref(options))
        session = _P()
        try:
            api.check("SetIntraOpNumThreads", options, threads)
            api.check("SetInterOpNumThreads", options, 1)
            api.check("SetSessionExecutionMode", options, _SEQUENTIAL)
            api.check("SetSessionGraphOptimizationLevel", options, _ENABLE_ALL)
            api.check("SetSessionLogSeverityLevel", options, _LOG_FATAL)
            # Without the arena, the memory of a call goes back to malloc (and the system) after it.
            api.check("DisableCpuMemArena", options)
            for key, value in (config or {}).items():
                api.check("AddSessionConfigEntry", options, key.encode(), value.encode())
            location = str(path) if sys.platform == "win32" else str(path).encode()
            api.check("CreateSession", api.env, location, options, ctypes.byref(session))
        finally:
            api.call("ReleaseSessionOptions", options)
        self._session = session
        self._finalizer = weakref.finalize(self, api.call, "ReleaseSession", session)
        self.input_names = self._names("SessionGetInputCount", "SessionGetInputName")
        self.output_names = self._names("SessionGetOutputCount", "SessionGetOutputName")
        self._encoded_outputs = {name: name.encode() for name in self.output_names}

    def _names(self, count_function: str, name_function: str) -> tuple[str, ...]:
        count = _SIZE()
        self._api.check(count_function, self._session, ctypes.byref(count))
        names = []
        for index in range(count.value):
            pointer = _P()
            self._api.check(name_function, self._session, index, self._api.allocator, ctypes.byref(pointer))
            names.append((ctypes.string_at(pointer.value) if pointer.value else b"").decode())
            self._api.check("AllocatorFree", self._api.allocator, pointer)
        return tuple(names)

    def close(self) -> None:
        """Free the model now rather than when the session is collected."""
        self._finalizer()

    def run(self, output_names: Sequence[str] | None, input_feed: Mapping[str, Any]) -> list[np.ndarray]:
        """The outputs ``output_names`` (all, in the model's order, for ``None``) for the named inputs."""
        if not self._finalizer.alive:
            raise OrtError("the session is closed")
        wanted = list(self.output_names if output_names is None else output_names)
        unknown = [name for name in wanted if name not in self._encoded_outputs]
        if unknown:
            raise OrtError(f"the model has no output {', '.join(unknown)} (it has: {', '.join(self.output_names)})")
        arrays = [_tensor_array(name, value) for name, value in input_feed.items()]
        inputs = (_P * len(arrays))()
        outputs = (_P * len(wanted))()
        try:
            for slot, array in enumerate(arrays):
                shape = (ctypes.c_int64 * array.ndim)(*array.shape)
                tensor = _P()
                self._api.check(
                    "CreateTensorWithDataAsOrtValue",
                    self._api.cpu_memory,
                    array.ctypes.data_as(_P),
                    array.nbytes,
                    shape,
                    array.ndim,
                    _ELEMENT_TYPES[array.dtype],
                    ctypes.byref(tensor),
                )
                inputs[slot] = tensor.value
            input_names = (ctypes.c_char_p * len(arrays))(*(name.encode() for name in input_feed))
            names = (ctypes.c_char_p * len(wanted))(*(self._encoded_outputs[name] for name in wanted))
            self._api.check("Run", self._session, None, input_names, inputs, len(arrays), names, len(wanted), outputs)
            return [self._to_array(outputs[slot]) for slot in range(len(wanted))]
        finally:
            for value in (*inputs, *outputs):
                if value:
                    self._api.call("ReleaseValue", value)

    def _to_array(self, value: int | None) -> np.ndarray:
        """A copy of a tensor output, which onnxruntime frees with its value."""
        if not value:
            raise OrtError("the model returned no value for an output")
        info = _P()
        self._api.check("GetTensorTypeAndShape", _P(value), ctypes.byref(info))
        try:
            code = _INT()
            self._api.check("GetTensorElementType", info, ctypes.byref(code))
            rank = _SIZE()
            self._api.check("GetDimensionsCount", info, ctypes.byref(rank))
            dims = (ctypes.c_int64 * rank.value)()
            self._api.check("GetDimensions", info, dims, rank.value)
        finally:
            self._api.call("ReleaseTensorTypeAndShapeInfo", info)
        dtype = _DTYPES.get(code.value)
        if dtype is None:
            raise OrtError(f"the model returned a tensor of element type {code.value}, which is not supported here")
        shape = tuple(int(dim) for dim in dims)
        count = math.prod(shape)
        if count == 0:
            return np.empty(shape, dtype=dtype)
        data = _P()
        self._api.check("GetTensorMutableData", _P(value), ctypes.byref(data))
        buffer = memoryview((ctypes.c_char * (count * dtype.itemsize)).from_address(data.value or 0)).cast("B")
        array: np.ndarray = np.frombuffer(buffer, dtype=dtype, count=count).reshape(shape).copy()
        return array


def _tensor_array(name: str, value: Any) -> np.ndarray:
    array = np.ascontiguousarray(value)
    if array.dtype not in _ELEMENT_TYPES:
        supported = ", ".join(str(dtype) for dtype in _ELEMENT_TYPES)
        raise OrtError(f"input {name} is {array.dtype}; a tensor here is one of {supported}")
    if array.size == 0:
        # Some of onnxruntime's kernels divide by a zero dimension (SIGFPE) rather than refuse it.
        raise OrtError(f"input {name} is empty (shape {array.shape})")
    return array


def open_session(
    path: Path,
    *,
    threads: int = 1,
    providers: Sequence[str] = (CPU,),
    config: Mapping[str, str] | None = None,
) -> Session:
    """A session for the model at ``path``: on the shared library for the CPU, else on the Python binding.

    The settings are the same either way: ``threads`` intra-op threads, one inter-op, sequential
    execution, every graph optimization, no CPU memory arena, and the session ``config`` entries.
    """
    if all(provider == CPU for provider in providers) and _api() is not None:
        return OrtSession(path, threads=threads, config=config)
    import onnxruntime

    settings = onnxruntime.SessionOptions()
    settings.intra_op_num_threads = threads
    settings.inter_op_num_threads = 1
    settings.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    settings.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    settings.log_severity_level = _LOG_FATAL
    settings.enable_cpu_mem_arena = False
    for key, value in (config or {}).items():
        settings.add_session_config_entry(key, value)
    available = set(onnxruntime.get_available_providers())
    chosen = [provider for provider in providers if provider in available] or [CPU]
    session: Session = onnxruntime.InferenceSession(str(path), sess_options=settings, providers=chosen)
    return session
