using System;
using System.Collections.Generic;
using Wsk.Core;

namespace Wsk.Shell;

public sealed partial class WskConnectedSocket
{
    /// <summary>
    /// The reader's state and the buffers beside it; every field is read and written under the socket's lock.
    /// </summary>
    private sealed class ReceiveState
    {
        public ReaderState Reader = ReceiveReaderDecider.Initial;
        public List<SocketIo>? Receives;
        public long LastId;
        public SocketIo? ReadInto;
        public HashSet<DataIndication>? Kept;
        public ReaderSink? ReaderSink;
        public ITransportCancel? ReaderCancel;
        public byte[]? IndicationBuffer;
        public byte[]? PeekByte;
        public ReadOnlyMemory<byte> Retained;
        public ReadOnlyMemory<byte> Indicating;

        public SocketIo ReceiveOf(long id)
        {
            foreach (var io in Receives!)
                if (io.ReaderId == id) return io;
            throw new InvalidOperationException($"the reader named receive {id}, which the socket does not hold");
        }
    }
}
