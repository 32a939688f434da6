module realtime-chat/go

go 1.19
