#!/usr/bin/env python3
# radiotap_tap.py NAME: a tap interface whose link type is radiotap
# (TUNSETLINK, ARPHRD_IEEE80211_RADIOTAP), which libpcap opens as
# IEEE802_11_RADIO as it opens a monitor interface: where there is no
# mac80211_hwsim, frames sent out of it (tcpreplay) stand for what a
# monitor interface hears. Prints "up" once made, then keeps the tap for
# as long as it runs; nobody reads it: the tap drops what it queues,
# after capture has seen it. Used by pcap_live_dot11.sh and
# bench/pcap/live, inside the network namespace they make.
import fcntl, os, signal, struct, sys

TUNSETIFF, TUNSETLINK = 0x400454ca, 0x400454cd
IFF_TAP, IFF_NO_PI = 0x0002, 0x1000
ARPHRD_IEEE80211_RADIOTAP = 803

fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", sys.argv[1].encode(), IFF_TAP | IFF_NO_PI))
fcntl.ioctl(fd, TUNSETLINK, ARPHRD_IEEE80211_RADIOTAP)
print("up", flush=True)
signal.pause()
