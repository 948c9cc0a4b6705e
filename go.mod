module cpsfgraph

go 1.26
