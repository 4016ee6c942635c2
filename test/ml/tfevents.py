"""An independent reader of TensorBoard event files, for the tests.

TFRecord framing and its masked CRC-32C are checked here from their specification
(tensorflow/core/lib/io/record_reader.cc, crc32c.h); the Event protobufs are parsed by Google's own
protobuf library (Debian's python3-protobuf) from descriptors built below with TensorFlow's field
numbers (tensorflow/core/util/event.proto, tensorflow/core/framework/summary.proto).

    tfevents.py FILE   prints [{"wall_time", "step", "file_version" | "scalars": {tag: value}}] as JSON;
                       exits 1 naming the record on a bad CRC, a short record or an unknown field.
"""
import json
import struct
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked(data):
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283, "CRC-32C check value"


def event_class():
    F = descriptor_pb2.FieldDescriptorProto
    proto = descriptor_pb2.FileDescriptorProto(name="lectern_test_event.proto", package="tensorflow", syntax="proto3")

    def message(name, fields):
        m = proto.message_type.add(name=name)
        for field_name, number, kind, label, type_name in fields:
            f = m.field.add(name=field_name, number=number, type=kind, label=label)
            if type_name:
                f.type_name = type_name

    optional, repeated = F.LABEL_OPTIONAL, F.LABEL_REPEATED
    message("Value", [("tag", 1, F.TYPE_STRING, optional, None), ("simple_value", 2, F.TYPE_FLOAT, optional, None)])
    message("Summary", [("value", 1, F.TYPE_MESSAGE, repeated, ".tensorflow.Value")])
    message("Event", [
        ("wall_time", 1, F.TYPE_DOUBLE, optional, None),
        ("step", 2, F.TYPE_INT64, optional, None),
        ("file_version", 3, F.TYPE_STRING, optional, None),
        ("summary", 5, F.TYPE_MESSAGE, optional, ".tensorflow.Summary"),
    ])
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return message_factory.MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName("tensorflow.Event"))


def main(path):
    Event = event_class()
    data = open(path, "rb").read()
    events, at, index = [], 0, 0
    while at < len(data):
        if at + 12 > len(data):
            sys.exit(f"record {index}: truncated header at byte {at}")
        header = data[at:at + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", data[at + 8:at + 12])
        if length_crc != masked(header):
            sys.exit(f"record {index}: bad length CRC")
        body = data[at + 12:at + 12 + length]
        if len(body) != length or at + 16 + length > len(data):
            sys.exit(f"record {index}: truncated data")
        (data_crc,) = struct.unpack("<I", data[at + 12 + length:at + 16 + length])
        if data_crc != masked(body):
            sys.exit(f"record {index}: bad data CRC")
        event = Event.FromString(body)
        if event.UnknownFields() or any(v.UnknownFields() for v in event.summary.value):
            sys.exit(f"record {index}: unknown fields")
        entry = {"wall_time": event.wall_time, "step": event.step}
        if event.HasField("summary"):
            entry["scalars"] = {v.tag: v.simple_value for v in event.summary.value}
        else:
            entry["file_version"] = event.file_version
        events.append(entry)
        at += 16 + length
        index += 1
    json.dump(events, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
