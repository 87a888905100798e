namespace Arrakis.Persistence.Rdb;

/// <summary>Outcome of a read step of <see cref="RdbReader"/> or <see cref="RdbPayload"/>.</summary>
public enum RdbReadStatus
{
    /// <summary>An entry was read.</summary>
    Ok,

    /// <summary>The EOF opcode was read and the checksum (when present and non-zero) matched.</summary>
    End,

    /// <summary>The input ended before the structure did.</summary>
    Truncated,

    /// <summary>The file does not start with "REDIS".</summary>
    BadMagic,

    /// <summary>The version is not a decimal 1..11 (file) or is newer than 10 (payload footer).</summary>
    BadVersion,

    /// <summary>The CRC-64 does not match.</summary>
    BadChecksum,

    /// <summary>A structure is malformed (bad encoding, length beyond limits, invalid listpack...).</summary>
    Corrupt,

    /// <summary>A known but unsupported type or opcode (module, stream, function); the message names it.</summary>
    UnsupportedType,

    /// <summary>The stream threw an IOException while reading; the message carries it.</summary>
    IoError,
}
