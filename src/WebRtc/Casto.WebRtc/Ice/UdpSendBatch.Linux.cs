using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Casto.WebRtc.Ice;

/// <summary>The <c>sendmmsg(2)</c> path (x86-64 and arm64 Linux layouts of <c>struct mmsghdr</c>).</summary>
internal sealed unsafe partial class UdpSendBatch
{
    private const int MsgDontWait = 0x40;

    private int SendLinux(Socket socket, int count)
    {
        SafeSocketHandle handle = socket.SafeHandle;
        bool added = false;
        int sent = 0;
        try
        {
            handle.DangerousAddRef(ref added);
            int fd = (int)handle.DangerousGetHandle();
            int next = 0;
            while (next < count)
            {
                Calls++;
                int n = SendMmsg(fd, _headers + next, (uint)(count - next), MsgDontWait);
                if (n > 0)
                {
                    (sent, next) = (sent + n, next + n);
                }
                else
                {
                    next++; // the datagram at `next` was refused (EAGAIN: a full buffer; or unreachable): dropped
                }
            }
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        return sent;
    }

    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    private static partial int SendMmsg(int fd, MMsgHdr* messages, uint count, int flags);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MMsgHdr
    {
        public byte* Name;
        public uint NameLength;
        public IoVec* Vectors;
        public nuint VectorCount;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
        private readonly int _headerPadding; // struct msghdr is 56 bytes
        public uint Length; // msg_len: bytes sent, set by the kernel
        private readonly int _padding; // struct mmsghdr is 64 bytes
    }

    /// <summary>The native layouts this file assumes (checked by a test).</summary>
    internal static (int MMsgHdr, int IoVec) NativeSizes => (sizeof(MMsgHdr), sizeof(IoVec));
}
