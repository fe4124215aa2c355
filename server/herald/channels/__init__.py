"""One module per channel, all behind the ChannelAdapter Protocol in base.py."""
