import{r as e,t}from"./chunk-QB3YPZ4I-Bd4zqJzg.js";import"./chunk-TU62E6Q5-DDAzGGVk.js";import"./mermaid.core-B8jQBW8k.js";import"./chunk-HFQBQIA3-CAg78UAl.js";import"./chunk-M57EVK23-BNyxsfA7.js";import"./chunk-DQASFODM-B2OP_olS.js";import"./chunk-LEVMRMFU-DTWb1_9x.js";import"./chunk-AXFCVDMN-BNNw5AYu.js";import"./chunk-X4PVCEUW-BPHQ8djj.js";import"./chunk-STOXU5M4-D96EX_jG.js";import"./chunk-R3KSYZAL-C6bx-LvU.js";import"./chunk-6MUBBAK2-O8B6K_Nx.js";import"./chunk-BG4553SI-Z3WwjVOn.js";import"./d3-selection-By2YRGcX.js";import{n}from"./chunk-Y2CYZVJY-DsF7k-Jl.js";var r=t({styles:n(t=>`${e(t)}
  .swimlane.cluster:not([data-color-id]) rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,`getStyles`)});export{r as diagram};