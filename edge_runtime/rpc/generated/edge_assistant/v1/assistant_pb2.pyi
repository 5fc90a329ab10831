from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AudioClip(_message.Message):
    __slots__ = ("wav", "pcm16", "sample_rate")
    WAV_FIELD_NUMBER: _ClassVar[int]
    PCM16_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_RATE_FIELD_NUMBER: _ClassVar[int]
    wav: bytes
    pcm16: bytes
    sample_rate: int
    def __init__(self, wav: _Optional[bytes] = ..., pcm16: _Optional[bytes] = ..., sample_rate: _Optional[int] = ...) -> None: ...

class AskRequest(_message.Message):
    __slots__ = ("conversation_id", "text", "audio")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    AUDIO_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    text: str
    audio: AudioClip
    def __init__(self, conversation_id: _Optional[str] = ..., text: _Optional[str] = ..., audio: _Optional[_Union[AudioClip, _Mapping]] = ...) -> None: ...

class ToolCall(_message.Message):
    __slots__ = ("name", "arguments_json", "status")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ARGUMENTS_JSON_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    name: str
    arguments_json: str
    status: str
    def __init__(self, name: _Optional[str] = ..., arguments_json: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class AskReply(_message.Message):
    __slots__ = ("text", "transcript", "label", "confidence", "tool_calls", "answer", "escalated", "needs_confirmation", "timings_ms", "conversation_id", "escalation")
    class TimingsMsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    TEXT_FIELD_NUMBER: _ClassVar[int]
    TRANSCRIPT_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    ESCALATED_FIELD_NUMBER: _ClassVar[int]
    NEEDS_CONFIRMATION_FIELD_NUMBER: _ClassVar[int]
    TIMINGS_MS_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    ESCALATION_FIELD_NUMBER: _ClassVar[int]
    text: str
    transcript: str
    label: str
    confidence: float
    tool_calls: _containers.RepeatedCompositeFieldContainer[ToolCall]
    answer: str
    escalated: bool
    needs_confirmation: bool
    timings_ms: _containers.ScalarMap[str, float]
    conversation_id: str
    escalation: Escalation
    def __init__(self, text: _Optional[str] = ..., transcript: _Optional[str] = ..., label: _Optional[str] = ..., confidence: _Optional[float] = ..., tool_calls: _Optional[_Iterable[_Union[ToolCall, _Mapping]]] = ..., answer: _Optional[str] = ..., escalated: _Optional[bool] = ..., needs_confirmation: _Optional[bool] = ..., timings_ms: _Optional[_Mapping[str, float]] = ..., conversation_id: _Optional[str] = ..., escalation: _Optional[_Union[Escalation, _Mapping]] = ...) -> None: ...

class Config(_message.Message):
    __slots__ = ("conversation_id", "sample_rate", "language", "endpointing", "partial_transcripts")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_RATE_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    ENDPOINTING_FIELD_NUMBER: _ClassVar[int]
    PARTIAL_TRANSCRIPTS_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    sample_rate: int
    language: str
    endpointing: bool
    partial_transcripts: bool
    def __init__(self, conversation_id: _Optional[str] = ..., sample_rate: _Optional[int] = ..., language: _Optional[str] = ..., endpointing: _Optional[bool] = ..., partial_transcripts: _Optional[bool] = ...) -> None: ...

class AudioChunk(_message.Message):
    __slots__ = ("pcm16",)
    PCM16_FIELD_NUMBER: _ClassVar[int]
    pcm16: bytes
    def __init__(self, pcm16: _Optional[bytes] = ...) -> None: ...

class TextInput(_message.Message):
    __slots__ = ("text",)
    TEXT_FIELD_NUMBER: _ClassVar[int]
    text: str
    def __init__(self, text: _Optional[str] = ...) -> None: ...

class EndOfUtterance(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ClientMessage(_message.Message):
    __slots__ = ("config", "audio", "text", "end_of_utterance")
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    AUDIO_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    END_OF_UTTERANCE_FIELD_NUMBER: _ClassVar[int]
    config: Config
    audio: AudioChunk
    text: TextInput
    end_of_utterance: EndOfUtterance
    def __init__(self, config: _Optional[_Union[Config, _Mapping]] = ..., audio: _Optional[_Union[AudioChunk, _Mapping]] = ..., text: _Optional[_Union[TextInput, _Mapping]] = ..., end_of_utterance: _Optional[_Union[EndOfUtterance, _Mapping]] = ...) -> None: ...

class Transcript(_message.Message):
    __slots__ = ("text", "final")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    FINAL_FIELD_NUMBER: _ClassVar[int]
    text: str
    final: bool
    def __init__(self, text: _Optional[str] = ..., final: _Optional[bool] = ...) -> None: ...

class RouteDecision(_message.Message):
    __slots__ = ("label", "confidence")
    LABEL_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    label: str
    confidence: float
    def __init__(self, label: _Optional[str] = ..., confidence: _Optional[float] = ...) -> None: ...

class ToolCallEvent(_message.Message):
    __slots__ = ("call",)
    CALL_FIELD_NUMBER: _ClassVar[int]
    call: ToolCall
    def __init__(self, call: _Optional[_Union[ToolCall, _Mapping]] = ...) -> None: ...

class ConfirmationRequest(_message.Message):
    __slots__ = ("question", "tool_name")
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    TOOL_NAME_FIELD_NUMBER: _ClassVar[int]
    question: str
    tool_name: str
    def __init__(self, question: _Optional[str] = ..., tool_name: _Optional[str] = ...) -> None: ...

class Answer(_message.Message):
    __slots__ = ("text", "escalated")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    ESCALATED_FIELD_NUMBER: _ClassVar[int]
    text: str
    escalated: bool
    def __init__(self, text: _Optional[str] = ..., escalated: _Optional[bool] = ...) -> None: ...

class Escalation(_message.Message):
    __slots__ = ("source", "relayed", "model", "local_stand_in", "cloud_tokens", "retry_offered")
    class Source(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        SOURCE_UNSPECIFIED: _ClassVar[Escalation.Source]
        SOURCE_ROUTER: _ClassVar[Escalation.Source]
        SOURCE_SPECIALIST: _ClassVar[Escalation.Source]
    SOURCE_UNSPECIFIED: Escalation.Source
    SOURCE_ROUTER: Escalation.Source
    SOURCE_SPECIALIST: Escalation.Source
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    RELAYED_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    LOCAL_STAND_IN_FIELD_NUMBER: _ClassVar[int]
    CLOUD_TOKENS_FIELD_NUMBER: _ClassVar[int]
    RETRY_OFFERED_FIELD_NUMBER: _ClassVar[int]
    source: Escalation.Source
    relayed: bool
    model: str
    local_stand_in: bool
    cloud_tokens: int
    retry_offered: bool
    def __init__(self, source: _Optional[_Union[Escalation.Source, str]] = ..., relayed: _Optional[bool] = ..., model: _Optional[str] = ..., local_stand_in: _Optional[bool] = ..., cloud_tokens: _Optional[int] = ..., retry_offered: _Optional[bool] = ...) -> None: ...

class AnswerDelta(_message.Message):
    __slots__ = ("text",)
    TEXT_FIELD_NUMBER: _ClassVar[int]
    text: str
    def __init__(self, text: _Optional[str] = ...) -> None: ...

class Error(_message.Message):
    __slots__ = ("code", "message")
    class Code(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        CODE_UNSPECIFIED: _ClassVar[Error.Code]
        CODE_INVALID_AUDIO: _ClassVar[Error.Code]
    CODE_UNSPECIFIED: Error.Code
    CODE_INVALID_AUDIO: Error.Code
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    code: Error.Code
    message: str
    def __init__(self, code: _Optional[_Union[Error.Code, str]] = ..., message: _Optional[str] = ...) -> None: ...

class ServerEvent(_message.Message):
    __slots__ = ("conversation_id", "turn", "transcript", "route", "tool_call", "confirmation_request", "answer", "escalation", "error", "answer_delta")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    TURN_FIELD_NUMBER: _ClassVar[int]
    TRANSCRIPT_FIELD_NUMBER: _ClassVar[int]
    ROUTE_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALL_FIELD_NUMBER: _ClassVar[int]
    CONFIRMATION_REQUEST_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    ESCALATION_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ANSWER_DELTA_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    turn: int
    transcript: Transcript
    route: RouteDecision
    tool_call: ToolCallEvent
    confirmation_request: ConfirmationRequest
    answer: Answer
    escalation: Escalation
    error: Error
    answer_delta: AnswerDelta
    def __init__(self, conversation_id: _Optional[str] = ..., turn: _Optional[int] = ..., transcript: _Optional[_Union[Transcript, _Mapping]] = ..., route: _Optional[_Union[RouteDecision, _Mapping]] = ..., tool_call: _Optional[_Union[ToolCallEvent, _Mapping]] = ..., confirmation_request: _Optional[_Union[ConfirmationRequest, _Mapping]] = ..., answer: _Optional[_Union[Answer, _Mapping]] = ..., escalation: _Optional[_Union[Escalation, _Mapping]] = ..., error: _Optional[_Union[Error, _Mapping]] = ..., answer_delta: _Optional[_Union[AnswerDelta, _Mapping]] = ...) -> None: ...
