#!/usr/bin/env python3
"""Comms codec throughput against pynmea2, and a long fuzz run that must raise nothing.

1. NMEA: the same corpus of checksum-valid RMC / GGA / GLL lines (GP, BD, GB, GN talkers)
   decoded by ``commandcentre.comms.nmea.decode_line`` and by ``pynmea2.parse(line,
   check=True)``, in one run: sentences/s each and the ratio. pynmea2 converts fields lazily,
   so a second figure also reads ``latitude``, ``longitude`` and the time, which is the work
   our decoder always does (Decimal degrees, UTC times). Then the whole stream path (framer +
   checksum + decode) on the same bytes.
2. BeiDou: a mixed terminal output (TXR/TCI in all content modes incl. GBK, FKI, ICI, BSI,
   PWI, RMC) through the stream decoder: sentences/s and MB/s.
3. Fuzz: ``--fuzz-mb`` of random bytes through the BeiDou/NMEA, NMEA and AT stream decoders,
   random datagrams through HDAP and random PDUs through the SMS decoder, plus mutated valid
   sentences (checksums recomputed, so the field decoders are reached): exceptions (must be
   0) and rejects by reason.

    .venv/bin/python benchmarks/comms_bench.py [--sentences 100000] [--fuzz-mb 20] [--rounds 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pynmea2  # noqa: E402  (bench extra)

from commandcentre.comms import StreamDecoder  # noqa: E402
from commandcentre.comms.beidou import encode_tcq, encode_txa  # noqa: E402
from commandcentre.comms.events import Position, Reject  # noqa: E402
from commandcentre.comms.framing import encode_sentence  # noqa: E402
from commandcentre.comms.hdap import decode_hdap, encode_tmp_message  # noqa: E402
from commandcentre.comms.nmea import decode_line  # noqa: E402
from commandcentre.comms.sms_pdu import decode_pdu, encode_submit  # noqa: E402

TALKERS = ("GP", "BD", "GB", "GN")
MESSAGES = ["竹箐乡鹿子坪村发现山火，过火面积约2公顷", "岚桥化工园区危化品运输车侧翻",
            "澜溪镇黑泥沟村山体滑坡，转移群众136人", "PDT 370MHz 组呼9001信号中断", "平安"]


def _ddmm(value: float, width: int) -> str:
    degrees = int(abs(value))
    minutes = min((abs(value) - degrees) * 60, 59.99994)
    return f"{degrees:0{width}d}{minutes:07.4f}"


def nmea_corpus(rng: random.Random, n: int) -> list[bytes]:
    """n checksum-valid RMC/GGA/GLL lines around China, from the four talkers."""
    lines = []
    for i in range(n):
        lat, lon = rng.uniform(18, 53), rng.uniform(73, 135)
        hms = f"{rng.randrange(24):02d}{rng.randrange(60):02d}{rng.randrange(60):02d}.000"
        ns, ew = ("N", _ddmm(lat, 2)), ("E", _ddmm(lon, 3))
        talker, kind = rng.choice(TALKERS), i % 3
        if kind == 0:
            fields = [hms, "A", ns[1], ns[0], ew[1], ew[0], f"{rng.uniform(0, 40):.2f}",
                      f"{rng.uniform(0, 360):.2f}", f"{rng.randrange(1, 29):02d}"
                      f"{rng.randrange(1, 13):02d}{rng.randrange(17, 27):02d}", "", "", "A"]
            lines.append(encode_sentence(talker + "RMC", fields)[:-2])
        elif kind == 1:
            fields = [hms, ns[1], ns[0], ew[1], ew[0], "1", f"{rng.randrange(4, 30):02d}",
                      f"{rng.uniform(0.5, 3):.1f}", f"{rng.uniform(0, 3000):.1f}", "M", "0.0",
                      "M", "", ""]
            lines.append(encode_sentence(talker + "GGA", fields)[:-2])
        else:
            fields = [ns[1], ns[0], ew[1], ew[0], hms, "A", "A"]
            lines.append(encode_sentence(talker + "GLL", fields)[:-2])
    return lines


def beidou_stream(rng: random.Random, n: int) -> tuple[bytes, int]:
    parts = []
    for i in range(n):
        kind = i % 8
        text = rng.choice(MESSAGES)
        if kind == 0:
            parts.append(encode_sentence("BDTXR", ["1", "0242407", "0", "", text]))
        elif kind == 1:
            parts.append(encode_sentence("BDTXR", ["1", "0179773", "2", "",
                                                   "A4" + text.encode("gbk").hex().upper()]))
        elif kind == 2:
            parts.append(encode_sentence("BDTCI", ["4204986", "4204990", "2", "142204", "2",
                                                   "0", rng.randbytes(40).hex().upper()]))
        elif kind == 3:
            parts.append(b"$BDFKI,TXA,Y,Y,0,0040*17\r\n")
        elif kind == 4:
            parts.append(b"$BDICI,0242286,00242286,0000011,6,60,3,N,0*38\r\n")
        elif kind == 5:
            parts.append(b"$BDBSI,01,03,3,2,2,0,3,0,0,3,0,0*5F\r\n")
        elif kind == 6:
            parts.append(b"$BDPWI,023628.00,00,04,2,51,44,0,4,50,43,0,11,43,36,0,16,51,44,0*42"
                         b"\r\n")
        else:
            parts.append(b"$GNRMC,053131.000,A,3019.6774,N,12003.3095,E,0.33,178.03,270717,,,A"
                         b"*7A\r\n")
    return b"".join(parts), n


def rate(fn, items) -> tuple[float, int]:
    t0 = time.perf_counter()
    ok = fn(items)
    return len(items) / (time.perf_counter() - t0), ok


def ours(lines: list[bytes]) -> int:
    return sum(isinstance(decode_line(line), Position) for line in lines)


def theirs(lines: list[str]) -> int:
    return sum(1 for line in lines if pynmea2.parse(line, check=True) is not None)


def theirs_typed(lines: list[str]) -> int:
    n = 0
    for line in lines:
        msg = pynmea2.parse(line, check=True)
        _ = (msg.latitude, msg.longitude, getattr(msg, "datetime", None) or msg.timestamp)
        n += 1
    return n


_UNSAFE = bytes.maketrans(b",*$\r\n", b"_____")  # keep the damage inside one field


def mutate(rng: random.Random, line: bytes) -> bytes:
    """A valid sentence with its fields damaged, checksum recomputed (reaches the decoders)."""
    address, *fields = line[1:line.rindex(b"*")].split(b",")
    for _ in range(rng.randrange(1, 4)):
        choice = rng.randrange(5) if fields else 3
        i = rng.randrange(len(fields)) if fields else 0
        if choice == 0:
            fields[i] = rng.randbytes(rng.randrange(12)).translate(_UNSAFE)
        elif choice == 1:
            fields[i] = b""
        elif choice == 2:
            del fields[i:]
        elif choice == 3:
            fields.append(rng.choice([b"9", b"-1", b"NaN", b"99999999999999", b"A4ZZ", b""]))
        else:
            fields[i] = bytes(rng.choice(b"0123456789.ANSEWVY") for _ in range(rng.randrange(9)))
    return encode_sentence(address.decode("ascii"), list(fields))


def fuzz(rng: random.Random, megabytes: int) -> tuple[Counter, Counter, int]:
    errors: Counter[str] = Counter()
    rejects: Counter[str] = Counter()
    total = 0
    size, chunk_max = megabytes * 1024 * 1024, 4096
    for dialect in ("beidou", "nmea", "at"):
        decoder = StreamDecoder(dialect)
        done = 0
        share = size // 3
        while done < share:
            data = rng.randbytes(rng.randrange(1, chunk_max))
            done += len(data)
            try:
                decoder.feed(data)
            except Exception as err:  # the figure we report: must stay 0
                errors[f"{dialect}: {type(err).__name__}"] += 1
        try:
            decoder.flush()
        except Exception as err:
            errors[f"{dialect} flush: {type(err).__name__}"] += 1
        rejects.update({f"{dialect}:{k}": v for k, v in decoder.rejects.items()})
        total += done
    seeds = [line + b"\r\n" for line in nmea_corpus(rng, 300)]
    seeds += [encode_txa("0242407", m) for m in MESSAGES] + [
        encode_tcq("4207733", m, mode="mixed") for m in MESSAGES]
    seeds += [b"$BDFKI,TXA,Y,Y,0,0040*17\r\n", b"$BDICI,0242286,00242286,0000011,6,60,3,N,0*38"
              b"\r\n", b"$BDPWI,023628.00,00,04,2,51,44,0,4,50,43,0,11,43,36,0,16,51,44,0*42\r\n",
              b"$BDFKI,082920,TCQ,Y,0,0*70\r\n", b"$BDBSI,01,03,3,2,2,0,3,0,0,3,0,0*5F\r\n"]
    mutated = StreamDecoder("beidou")
    for _ in range(200_000):
        try:
            mutated.feed(mutate(rng, rng.choice(seeds)))
        except Exception as err:
            errors[f"mutated: {type(err).__name__}"] += 1
    rejects.update({f"mutated:{k}": v for k, v in mutated.rejects.items()})
    pdus = [p.pdu for m in MESSAGES for p in encode_submit("+8613800000000", m * 5)]
    tmp = [encode_tmp_message(1, 111111, 222222, m) for m in MESSAGES]
    for _ in range(100_000):
        pdu = bytearray(rng.choice(pdus))
        for _ in range(rng.randrange(1, 4)):
            pdu[rng.randrange(len(pdu))] = rng.randrange(256)
        try:
            r = decode_pdu(bytes(pdu[:rng.randrange(len(pdu) + 1)]))
            if isinstance(r, Reject):
                rejects[f"sms:{r.reason}"] += 1
        except Exception as err:
            errors[f"sms: {type(err).__name__}"] += 1
        dgram = bytearray(rng.choice(tmp))
        dgram[rng.randrange(len(dgram))] = rng.randrange(256)
        try:
            r = decode_hdap(bytes(dgram) if rng.random() < 0.5 else rng.randbytes(60))
            if isinstance(r, Reject):
                rejects[f"hdap:{r.reason}"] += 1
        except Exception as err:
            errors[f"hdap: {type(err).__name__}"] += 1
    return errors, rejects, total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--fuzz-mb", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)

    lines = nmea_corpus(rng, args.sentences)
    text_lines = [line.decode("ascii") for line in lines]
    ours(lines[:2000]), theirs(text_lines[:2000])  # warm up both
    runs: dict[str, list[float]] = {"ours": [], "theirs": [], "typed": []}
    for _ in range(args.rounds):  # interleaved, median: the machine may be busy meanwhile
        for name, fn, items in (("ours", ours, lines), ("theirs", theirs, text_lines),
                                ("typed", theirs_typed, text_lines)):
            speed, ok = rate(fn, items)
            assert ok == len(items), (name, ok)
            runs[name].append(speed)
    our_rate, their_rate, typed_rate = (statistics.median(runs[k]) for k in runs)
    print(f"NMEA decode, {len(lines):,} checksum-valid RMC/GGA/GLL, median of {args.rounds}: "
          f"ours {our_rate:,.0f}/s, pynmea2.parse(check=True) {their_rate:,.0f}/s, "
          f"ours/pynmea2 {our_rate / their_rate:.2f}x")
    print(f"NMEA decode incl. reading lat/lon/time from pynmea2: pynmea2 {typed_rate:,.0f}/s, "
          f"ours/pynmea2 {our_rate / typed_rate:.2f}x")
    stream = b"".join(line + b"\r\n" for line in lines)
    t0 = time.perf_counter()
    decoder = StreamDecoder("nmea")
    decoded = sum(len(decoder.feed(stream[i:i + 4096])) for i in range(0, len(stream), 4096))
    elapsed = time.perf_counter() - t0
    dropped = sum(decoder.rejects.values())
    print(f"NMEA stream (framer + checksum + decode, 4 KiB reads): {decoded / elapsed:,.0f} "
          f"sentences/s, {len(stream) / elapsed / 1e6:.1f} MB/s, rejects {dropped}")

    data, count = beidou_stream(rng, args.sentences)
    t0 = time.perf_counter()
    decoder = StreamDecoder("beidou")
    decoded = sum(len(decoder.feed(data[i:i + 4096])) for i in range(0, len(data), 4096))
    decoded += len(decoder.flush())
    elapsed = time.perf_counter() - t0
    assert decoded == count and not decoder.rejects, decoder.rejects
    print(f"BeiDou decode, {count:,} mixed TXR/TCI/FKI/ICI/BSI/PWI/RMC (GBK incl.): "
          f"{count / elapsed:,.0f} sentences/s, {len(data) / elapsed / 1e6:.1f} MB/s")

    t0 = time.perf_counter()
    errors, rejects, total = fuzz(rng, args.fuzz_mb)
    elapsed = time.perf_counter() - t0
    print(f"fuzz: {total / 1e6:.1f} MB random bytes (3 stream dialects) + 200,000 mutated "
          f"sentences + 100,000 PDUs + 100,000 datagrams in {elapsed:.0f} s: exceptions "
          f"{sum(errors.values())}" + (f" {dict(errors)}" if errors else ""))
    for name in sorted(rejects):
        print(f"fuzz rejects {name}: {rejects[name]:,}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
