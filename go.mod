module github.com/mimeiapify/store

go 1.26.0
